// Comparisons, logical ops, where/masked_fill, maximum/minimum and argmax/argmin: forward kernels
// from elementwise_kernels.hpp and reduce_kernels.hpp; where, maximum and minimum record one tape
// entry each (masked_fill is where), the rest return bool or int64 tensors that never record.
#include "autograd/ops_compare.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/reduce_kernels.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

using detail::map_binary_to;
using detail::map_unary_to;

namespace {
// Both defined and of one dtype (any); the broadcast shape.
Shape same_dtype_shape(const Tensor& a, const Tensor& b, const char* op) {
    check_defined(a, op);
    check_defined(b, op);
    if (a.dtype() != b.dtype()) detail::throw_mixed_dtypes(a, b, op);
    return broadcast_shapes(a.shape(), b.shape(), op);
}

// t in `dtype`, off the tape: a comparison's result does not depend on its inputs smoothly.
Tensor converted(const Tensor& t, Dtype dtype) {
    return t.dtype() == dtype ? t : t.detach().to(dtype);
}

template <class Cmp>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, Cmp cmp) {
    check_defined(a, op);
    check_defined(b, op);
    Shape out_shape = broadcast_shapes(a.shape(), b.shape(), op);
    Dtype common = promote_types(a.dtype(), b.dtype());
    return map_binary_to(converted(a, common), converted(b, common), out_shape, Dtype::boolean,
                         cmp);
}

template <class Cmp>
Tensor compare(const Tensor& x, double value, const char* op, Cmp cmp) {
    check_defined(x, op);
    return map_unary_to(x, Dtype::boolean, [value, cmp](auto v) {
        using T = decltype(v);
        // int64 and bool meet a Python number in torch's default dtype, float32: 2^24 + 1 == 2^24.
        using C = std::conditional_t<std::is_floating_point_v<T>, T, float>;
        return cmp(static_cast<C>(v), static_cast<C>(value));
    });
}

void check_bool(const Tensor& t, const char* op, const char* what) {
    check_defined(t, op);
    if (t.dtype() != Dtype::boolean)
        throw DtypeError(std::string(op) + ": " + what + " must be bool, got " +
                         dtype_name(t.dtype()) + " " + to_string(t.shape()) +
                         "; make one with a comparison or .to(Dtype::boolean)");
}

// The broadcast of the three shapes; the message shows all three.
Shape where_shape(const Tensor& condition, const Tensor& a, const Tensor& b) {
    Shape ab = same_dtype_shape(a, b, "where");
    try {
        return broadcast_shapes(condition.shape(), ab, "where");
    } catch (const ShapeError&) {
        throw ShapeError("where: cannot broadcast condition " + to_string(condition.shape()) +
                         " with " + to_string(a.shape()) + " and " + to_string(b.shape()));
    }
}

Tensor as_bool(const Tensor& t) {
    return t.dtype() == Dtype::boolean ? t : t.to(Dtype::boolean);
}
}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) {
    return compare(a, b, "eq", [](auto x, auto y) { return x == y; });
}
Tensor ne(const Tensor& a, const Tensor& b) {
    return compare(a, b, "ne", [](auto x, auto y) { return x != y; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
    return compare(a, b, "lt", [](auto x, auto y) { return x < y; });
}
Tensor le(const Tensor& a, const Tensor& b) {
    return compare(a, b, "le", [](auto x, auto y) { return x <= y; });
}
Tensor gt(const Tensor& a, const Tensor& b) {
    return compare(a, b, "gt", [](auto x, auto y) { return x > y; });
}
Tensor ge(const Tensor& a, const Tensor& b) {
    return compare(a, b, "ge", [](auto x, auto y) { return x >= y; });
}
Tensor eq(const Tensor& x, double value) {
    return compare(x, value, "eq", [](auto v, auto s) { return v == s; });
}
Tensor ne(const Tensor& x, double value) {
    return compare(x, value, "ne", [](auto v, auto s) { return v != s; });
}
Tensor lt(const Tensor& x, double value) {
    return compare(x, value, "lt", [](auto v, auto s) { return v < s; });
}
Tensor le(const Tensor& x, double value) {
    return compare(x, value, "le", [](auto v, auto s) { return v <= s; });
}
Tensor gt(const Tensor& x, double value) {
    return compare(x, value, "gt", [](auto v, auto s) { return v > s; });
}
Tensor ge(const Tensor& x, double value) {
    return compare(x, value, "ge", [](auto v, auto s) { return v >= s; });
}

Tensor logical_not(const Tensor& x) {
    check_defined(x, "logical_not");
    return map_unary_to(x, Dtype::boolean, [](auto v) { return v == decltype(v)(0); });
}

Tensor logical_and(const Tensor& a, const Tensor& b) {
    check_defined(a, "logical_and");
    check_defined(b, "logical_and");
    Shape out_shape = broadcast_shapes(a.shape(), b.shape(), "logical_and");
    return map_binary_to(as_bool(a), as_bool(b), out_shape, Dtype::boolean,
                         [](bool x, bool y) { return x && y; });
}

Tensor logical_or(const Tensor& a, const Tensor& b) {
    check_defined(a, "logical_or");
    check_defined(b, "logical_or");
    Shape out_shape = broadcast_shapes(a.shape(), b.shape(), "logical_or");
    return map_binary_to(as_bool(a), as_bool(b), out_shape, Dtype::boolean,
                         [](bool x, bool y) { return x || y; });
}

// where'a = grad where the condition holds and 0 elsewhere, where'b the rest; the condition is a
// constant of the graph, and the masking is where again, so gradients of any order follow.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
    check_bool(condition, "where", "condition");
    Tensor out = detail::select(condition, a, b, where_shape(condition, a, b));
    if (!is_floating(out.dtype()) || !should_record(a, b)) return out;
    return record(Op::where, std::move(out), {a, b},
                  [condition, a_shape = a.shape(), b_shape = b.shape(), grad_a = a.requires_grad(),
                   grad_b = b.requires_grad()](const Tensor& grad_out, const Tensor&) {
                      Tensor zero = zeros({}, grad_out.dtype());
                      return Grads{
                          grad_a ? sum_to(where(condition, grad_out, zero), a_shape) : Tensor(),
                          grad_b ? sum_to(where(condition, zero, grad_out), b_shape) : Tensor()};
                  });
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
    check_defined(x, "masked_fill");
    check_bool(mask, "masked_fill", "mask");
    broadcast_shapes(x.shape(), mask.shape(), "masked_fill");  // a ShapeError naming this op
    return where(mask, scalar_tensor(value, x.dtype()), x);
}

namespace {
// maximum (is_max) or minimum. NaN on either side wins; otherwise std::max / std::min's choice.
// The gradient weights: a takes all where it is the pick and b is not (a NaN counts as neither,
// so both take all, as PyTorch), half at a tie. They are constants of the graph, as relu's mask.
Tensor extremum(const Tensor& a, const Tensor& b, bool is_max) {
    const char* op = is_max ? "maximum" : "minimum";
    Tensor out =
        map_binary_to(a, b, same_dtype_shape(a, b, op), a.dtype(), [is_max](auto x, auto y) {
            if constexpr (std::is_floating_point_v<decltype(x)>) {
                if (std::isnan(x)) return x;
                if (std::isnan(y)) return y;
            }
            return (is_max ? x > y : x < y) ? x : y;  // b at a tie: maximum(0, -0) is -0
        });
    if (!is_floating(out.dtype()) || !should_record(a, b)) return out;
    return record(
        is_max ? Op::maximum : Op::minimum, out, {a, b},
        [a, b, is_max](const Tensor& grad_out, const Tensor& out) {
            auto weight = [&](bool for_a) {
                return detail::map_binary(a, b, out.shape(), [is_max, for_a](auto x, auto y) {
                    using T = decltype(x);
                    bool loses = (is_max == for_a) ? x < y : x > y;
                    return x == y ? T(0.5) : (loses ? T(0) : T(1));
                });
            };
            return Grads{
                a.requires_grad() ? sum_to(grad_out * weight(true), a.shape()) : Tensor(),
                b.requires_grad() ? sum_to(grad_out * weight(false), b.shape()) : Tensor()};
        });
}

// argmax (is_max) or argmin along dim, or over everything when dim is empty.
Tensor arg_extreme(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim, bool is_max) {
    const char* op = is_max ? "argmax" : "argmin";
    check_defined(x, op);
    if (x.dtype() == Dtype::boolean)
        throw DtypeError(std::string(op) + ": bool " + to_string(x.shape()) +
                         " has no order here (as PyTorch); convert it with .to()");
    // PyTorch's rank-0 rule: dim 0 or -1 reduces the single element.
    Shape shape = dim ? x.shape() : Shape{x.numel()};
    if (shape.rank() == 0) shape = Shape{1};
    int d = dim ? normalize_dim(*dim, shape.rank(), op) : 0;
    if (shape[d] == 0)
        throw ShapeError(std::string(op) + ": " +
                         (dim ? "dim " + std::to_string(*dim) + " of " : "no elements in ") +
                         to_string(x.shape()) + (dim ? " is empty" : "; give a dim"));
    Shape kept = shape;
    kept[d] = 1;
    Tensor values = empty(kept, x.dtype()), indices = empty(kept, Dtype::int64);
    detail::extreme_block(x, detail::block_view(shape, d, d), is_max, values, indices);
    Shape result = x.shape();
    if (!dim || x.dim() == 0)
        result = Shape{};
    else if (keepdim)
        result[d] = 1;
    else
        result.erase(d);
    return Tensor(detail::TensorImpl::view_of(indices.impl(), result));
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
    return extremum(a, b, true);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
    return extremum(a, b, false);
}

Tensor argmax(const Tensor& x) {
    return arg_extreme(x, std::nullopt, false, true);
}
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim) {
    return arg_extreme(x, dim, keepdim, true);
}
Tensor argmin(const Tensor& x) {
    return arg_extreme(x, std::nullopt, false, false);
}
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim) {
    return arg_extreme(x, dim, keepdim, false);
}

}  // namespace potatolemon
