#include "autograd/ops_reduce.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_compare.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/reduce_kernels.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

using detail::block_view;

namespace {
using DimList = SmallVector<int, 6>;  // reduced dims, without a heap allocation

// Sorted, unique, normalised dims; an empty list means every dim.
DimList reduced_dims(const Tensor& x, const std::vector<std::int64_t>& dims, const char* op) {
    DimList out;
    if (x.dim() == 0) {  // dim 0 or -1 name its one implicit dim, as in PyTorch's reductions
        for (std::int64_t d : dims) normalize_dim_or_scalar(d, 0, op);
        if (dims.size() > 1)
            throw IndexError(std::string(op) + ": a dim appears twice for " + to_string(x.shape()));
        return out;
    }
    for (std::int64_t d : dims) out.push_back(normalize_dim(d, x.dim(), op));
    if (dims.empty())
        for (int d = 0; d < x.dim(); ++d) out.push_back(d);
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end())
        throw IndexError(std::string(op) + ": a dim appears twice for " + to_string(x.shape()));
    return out;
}

Shape keepdim_shape(const Shape& shape, const DimList& dims) {
    Shape out = shape;
    for (int d : dims) out[d] = 1;
    return out;
}

Shape dropped_shape(const Shape& shape, const DimList& dims) {
    Shape out;
    for (int d = 0; d < shape.rank(); ++d)
        if (!std::binary_search(dims.begin(), dims.end(), d)) out.push_back(shape[d]);
    return out;
}

// Sums the dims (sorted), one contiguous run at a time from the last; the final run writes its
// result times `scale` straight into a tensor of `out_shape` (element count as keeping the dims).
Tensor sum_kernel(const Tensor& x, const DimList& dims, const Shape& out_shape, double scale = 1) {
    if (dims.empty()) return detail::sum_block(x, block_view(x.shape(), 0, -1), out_shape, scale);
    Tensor out = x;
    for (std::size_t end = dims.size();;) {
        std::size_t begin = end - 1;
        while (begin > 0 && dims[begin - 1] + 1 == dims[begin]) --begin;
        detail::BlockView run = block_view(out.shape(), dims[begin], dims[end - 1]);
        if (begin == 0) return detail::sum_block(out, run, out_shape, scale);
        Shape kept = out.shape();
        for (std::size_t i = begin; i < end; ++i) kept[dims[i]] = 1;
        out = detail::sum_block(out, run, kept);
        end = begin;
    }
}

// sum (scale 1) and mean (scale 1 / count): reduce `dims` of x, result shaped `out_shape`.
// The gradient, scaled alike, is spread back over the reduced dims.
Tensor scaled_sum(Op op, const Tensor& x, const DimList& dims, const Shape& out_shape,
                  double scale) {
    Tensor out = sum_kernel(x, dims, out_shape, scale);
    if (!should_record(x)) return out;
    return record(op, out, {x},
                  [x_shape = x.shape(), kept = keepdim_shape(x.shape(), dims), scale](
                      const Tensor& grad_out, const Tensor&) {
                      Tensor g = scale == 1 ? grad_out : affine(grad_out, scale, 0.0);
                      // A rank-0 gradient broadcasts as it is; others get their dims back first.
                      return Grads{expand(g.dim() == 0 ? g : view(g, kept), x_shape)};
                  });
}
}  // namespace

Tensor sum(const Tensor& x) {
    return sum(x, {}, false);
}

Tensor sum(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim) {
    check_floating(x, "sum");
    DimList ds = reduced_dims(x, dims, "sum");
    return scaled_sum(Op::sum, x, ds,
                      keepdim ? keepdim_shape(x.shape(), ds) : dropped_shape(x.shape(), ds), 1);
}

Tensor mean(const Tensor& x) {
    return mean(x, {}, false);
}

// Its own op rather than sum times 1/count: one tape entry, and the sum is scaled before it is
// rounded to float.
Tensor mean(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim) {
    check_floating(x, "mean");
    DimList ds = reduced_dims(x, dims, "mean");
    std::int64_t count = 1;
    for (int d : ds) count *= x.shape()[d];
    // The mean of nothing is 0 / 0 = nan, as PyTorch's (the sum of nothing is 0).
    double scale =
        count == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(count);
    return scaled_sum(Op::mean, x, ds,
                      keepdim ? keepdim_shape(x.shape(), ds) : dropped_shape(x.shape(), ds), scale);
}

// Its backward is expand, whose backward is sum_to again: gradients of any order.
Tensor sum_to(const Tensor& x, const Shape& shape) {
    check_floating(x, "sum_to");
    if (x.shape() == shape) return x;
    // The dims to sum: the leading ones `shape` lacks and those where it has 1. `shape` must
    // broadcast to x's shape.
    int lead = x.dim() - shape.rank();
    bool fits = lead >= 0;
    DimList dims;
    for (int d = 0; fits && d < x.dim(); ++d) {
        if (d < lead || (shape[d - lead] == 1 && x.shape()[d] != 1))
            dims.push_back(d);
        else
            fits = shape[d - lead] == x.shape()[d];
    }
    if (!fits)
        throw ShapeError("sum_to: cannot sum " + to_string(x.shape()) + " to " + to_string(shape));
    Tensor out = sum_kernel(x, dims, shape);
    if (!should_record(x)) return out;
    return record(Op::sum_to, std::move(out), {x},
                  [in_shape = x.shape()](const Tensor& grad_out, const Tensor&) {
                      return Grads{expand(grad_out, in_shape)};
                  });
}

namespace {
ValuesIndices extreme(const Tensor& x, std::int64_t dim, bool keepdim, bool is_max) {
    const char* op = is_max ? "max" : "min";
    check_floating(x, op);
    int d = normalize_dim_or_scalar(dim, x.dim(), op);
    if (x.dim() == 0) return extreme(reshape(x, {1}), 0, false, is_max);  // values [], indices []
    if (x.shape()[d] == 0)
        throw ShapeError(std::string(op) + ": dim " + std::to_string(dim) + " of " +
                         to_string(x.shape()) + " is empty");
    Shape kept = x.shape();
    kept[d] = 1;
    Tensor values = empty(kept, x.dtype());
    Tensor indices = empty(kept, Dtype::int64);
    detail::extreme_block(x, block_view(x.shape(), d, d), is_max, values, indices);
    // (max)' routes the gradient to the chosen index; scatter_add is differentiable in grad_out.
    if (should_record(x))
        values = record(is_max ? Op::max : Op::min, values, {x},
                        [x, d, indices](const Tensor& grad_out, const Tensor&) {
                            return Grads{scatter_add(zeros_like(x), d, indices, grad_out)};
                        });
    if (keepdim) return {values, indices};
    Shape dropped = x.shape();
    dropped.erase(d);
    return {view(values, dropped), Tensor(detail::TensorImpl::view_of(indices.impl(), dropped))};
}
}  // namespace

ValuesIndices max(const Tensor& x, std::int64_t dim, bool keepdim) {
    return extreme(x, dim, keepdim, true);
}
ValuesIndices min(const Tensor& x, std::int64_t dim, bool keepdim) {
    return extreme(x, dim, keepdim, false);
}
namespace {
// The max or min of all of x. Its gradient is shared evenly by every element equal to it (or, for a
// NaN result, every NaN), as PyTorch's full reduction does; max(x, dim) gives it to one index.
Tensor extreme_of_all(const Tensor& x, bool is_max) {
    check_floating(x, is_max ? "max" : "min");
    Tensor value;
    {
        NoGradGuard no_grad;
        Tensor flat = view(x, Shape{x.numel()});
        value = view(is_max ? max(flat, 0).values : min(flat, 0).values, Shape{});
    }
    if (!should_record(x)) return value;
    return record(is_max ? Op::max : Op::min, value, {x},
                  [x](const Tensor& grad_out, const Tensor& out) {
                      Tensor ties = logical_or(eq(x, out), logical_and(ne(x, x), ne(out, out)));
                      Tensor count = sum(ties.to(x.dtype()));
                      return Grads{where(ties, grad_out / count, zeros_like(x))};
                  });
}
}  // namespace

Tensor max(const Tensor& x) {
    return extreme_of_all(x, true);
}
Tensor min(const Tensor& x) {
    return extreme_of_all(x, false);
}

namespace {
// x arranged so the reduced dims (sorted) are one block of its (outer, n, inner) view: x itself
// when they are adjacent, else a copy with them moved last, the kept dims in their order (the
// result's). Rank 0 has no dims and is one block of one element.
struct ReduceLayout {
    Tensor x;
    detail::BlockView view;
};
ReduceLayout reduce_layout(const Tensor& x, const DimList& dims) {
    if (dims.empty()) return {x, {}};
    int first = dims[0], last = dims[dims.size() - 1];
    if (last - first + 1 == static_cast<int>(dims.size()))
        return {x, block_view(x.shape(), first, last)};
    std::vector<std::int64_t> order;
    for (int d = 0; d < x.dim(); ++d)
        if (!std::binary_search(dims.begin(), dims.end(), d)) order.push_back(d);
    for (int d : dims) order.push_back(d);
    Tensor moved = permute(x.detach(), order);
    return {moved, block_view(moved.shape(), x.dim() - static_cast<int>(dims.size()), x.dim() - 1)};
}

// var and std: one kernel, and one tape entry whose backward is
// var'(x) = 2 (x - mean(x)) / (n - correction), the divisor unclamped as in PyTorch's var_backward;
// std' = var' / (2 std).
Tensor deviation(Op op, const Tensor& x, const std::vector<std::int64_t>& dims, double correction,
                 bool keepdim) {
    const bool is_std = op == Op::std;
    const char* name = is_std ? "std" : "var";
    check_floating(x, name);
    DimList ds = reduced_dims(x, dims, name);
    Shape kept = keepdim_shape(x.shape(), ds);
    ReduceLayout layout = reduce_layout(x, ds);
    Tensor out = detail::var_block(layout.x, layout.view, correction, is_std,
                                   keepdim ? kept : dropped_shape(x.shape(), ds));
    if (!should_record(x)) return out;
    return record(op, out, {x},
                  [x, kept, is_std, reduced = std::vector<std::int64_t>(ds.begin(), ds.end()),
                   dof = static_cast<double>(layout.view.n) - correction](const Tensor& grad_out,
                                                                          const Tensor& out) {
                      if (x.numel() == 0) return Grads{zeros_like(x)};
                      Tensor g = view(grad_out, kept);
                      if (is_std) {
                          // Where std is 0 the gradient is 0 (PyTorch's convention); the mask is
                          // a constant of the graph and keeps the division finite there.
                          Tensor std_kept = view(out, kept);
                          Tensor zero = detail::map_unary(
                              std_kept, [](auto v) { return static_cast<decltype(v)>(v == 0); });
                          g = g * (1.0 - zero) / (std_kept * 2.0 + zero);
                      }
                      return Grads{(x - mean(x, reduced, true)) * g * (2.0 / dof)};
                  });
}
}  // namespace

Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, double correction,
           bool keepdim) {
    return deviation(Op::var, x, dims, correction, keepdim);
}

Tensor std(const Tensor& x, const std::vector<std::int64_t>& dims, double correction,
           bool keepdim) {
    return deviation(Op::std, x, dims, correction, keepdim);
}

// logsumexp'(x) = exp(x - out): the softmax over the reduced dims, from the saved result.
Tensor logsumexp(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim) {
    check_floating(x, "logsumexp");
    DimList ds = reduced_dims(x, dims, "logsumexp");
    Shape kept = keepdim_shape(x.shape(), ds);
    ReduceLayout layout = reduce_layout(x, ds);
    Tensor out = detail::logsumexp_block(layout.x, layout.view,
                                         keepdim ? kept : dropped_shape(x.shape(), ds));
    if (!should_record(x)) return out;
    // Not recorded (create_graph off) and over one run of dims, the gradient is one kernel.
    bool one_run = layout.x.impl() == x.impl();
    return record(Op::logsumexp, std::move(out), {x},
                  [x, kept, one_run, v = layout.view](const Tensor& grad_out, const Tensor& out) {
                      if (one_run && !grad_mode_enabled())
                          return Grads{detail::logsumexp_backward_block(grad_out, x, out, v)};
                      return Grads{view(grad_out, kept) * exp(x - view(out, kept))};
                  });
}

// softmax' : y (g - sum(g y)), from the saved result y.
Tensor softmax(const Tensor& x, std::int64_t dim) {
    check_floating(x, "softmax");
    int d = normalize_dim_or_scalar(dim, x.dim(), "softmax");
    if (x.dim() == 0) return reshape(softmax(reshape(x, {1}), 0), {});
    Tensor out = detail::softmax_block(x, block_view(x.shape(), d, d), false);
    if (!should_record(x)) return out;
    return record(Op::softmax, std::move(out), {x}, [d](const Tensor& grad_out, const Tensor& y) {
        return Grads{y * (grad_out - sum(grad_out * y, {d}, true))};
    });
}

// log_softmax' : g - exp(y) sum(g), from the saved result y.
Tensor log_softmax(const Tensor& x, std::int64_t dim) {
    check_floating(x, "log_softmax");
    int d = normalize_dim_or_scalar(dim, x.dim(), "log_softmax");
    if (x.dim() == 0) return reshape(log_softmax(reshape(x, {1}), 0), {});
    Tensor out = detail::softmax_block(x, block_view(x.shape(), d, d), true);
    if (!should_record(x)) return out;
    return record(Op::log_softmax, std::move(out), {x},
                  [d](const Tensor& grad_out, const Tensor& y) {
                      return Grads{grad_out - exp(y) * sum(grad_out, {d}, true)};
                  });
}

}  // namespace potatolemon
