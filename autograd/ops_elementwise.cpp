// Elementwise ops: forward kernel, then one tape entry whose backward is written in Tensor ops.
#include "autograd/ops_elementwise.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/float_math.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

using detail::map_binary;
using detail::map_unary;

namespace {
Shape binary_shape(const Tensor& a, const Tensor& b, const char* op) {
    check_same_dtype(a, b, op);
    return broadcast_shapes(a.shape(), b.shape(), op);
}
Tensor scalar_like(double value, const Tensor& t) {
    return scalar_tensor(value, t.dtype());
}
const Shape& same_shape(const Tensor& a, const Tensor& b, const char* op) {
    check_same_dtype(a, b, op);
    if (a.shape() != b.shape())
        throw ShapeError(std::string(op) + ": shapes " + to_string(a.shape()) + " and " +
                         to_string(b.shape()) + " differ");
    return a.shape();
}
}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
    Tensor out = map_binary(a, b, binary_shape(a, b, "add"), [](auto x, auto y) { return x + y; });
    if (!should_record(a, b)) return out;
    return record(Op::add, std::move(out), {a, b}, [a, b](const Tensor& grad_out, const Tensor&) {
        return Grads{sum_to(grad_out, a.shape()), sum_to(grad_out, b.shape())};
    });
}

Tensor sub(const Tensor& a, const Tensor& b) {
    Tensor out = map_binary(a, b, binary_shape(a, b, "sub"), [](auto x, auto y) { return x - y; });
    if (!should_record(a, b)) return out;
    return record(Op::sub, std::move(out), {a, b}, [a, b](const Tensor& grad_out, const Tensor&) {
        return Grads{sum_to(grad_out, a.shape()), sum_to(neg(grad_out), b.shape())};
    });
}

// (a b)'a = b, (a b)'b = a
Tensor mul(const Tensor& a, const Tensor& b) {
    Tensor out = map_binary(a, b, binary_shape(a, b, "mul"), [](auto x, auto y) { return x * y; });
    if (!should_record(a, b)) return out;
    return record(Op::mul, std::move(out), {a, b}, [a, b](const Tensor& grad_out, const Tensor&) {
        return Grads{a.requires_grad() ? sum_to(grad_out * b, a.shape()) : Tensor(),
                     b.requires_grad() ? sum_to(grad_out * a, b.shape()) : Tensor()};
    });
}

// (a / b)'a = 1 / b, (a / b)'b = -(a / b) / b
Tensor div(const Tensor& a, const Tensor& b) {
    Tensor out = map_binary(a, b, binary_shape(a, b, "div"), [](auto x, auto y) { return x / y; });
    if (!should_record(a, b)) return out;
    return record(
        Op::div, std::move(out), {a, b}, [a, b](const Tensor& grad_out, const Tensor& out) {
            return Grads{a.requires_grad() ? sum_to(grad_out / b, a.shape()) : Tensor(),
                         b.requires_grad() ? sum_to(neg(grad_out * out / b), b.shape()) : Tensor()};
        });
}

Tensor neg(const Tensor& x) {
    check_floating(x, "neg");
    Tensor out = map_unary(x, [](auto v) { return -v; });
    if (!should_record(x)) return out;
    return record(Op::neg, std::move(out), {x},
                  [](const Tensor& grad_out, const Tensor&) { return Grads{neg(grad_out)}; });
}

// (x^p)' = p x^(p-1)
namespace {
// x^p with PyTorch's special exponents, so that values agree where std::pow differs from them:
// x^0.5 is sqrt(x) (-0 for -0 and NaN for -inf, where std::pow gives +0 and +inf), x^-0.5 is
// 1 / sqrt(x), and 2, 3, -1, -2 are products and quotients.
Tensor power(const Tensor& x, double p) {
    if (p == 2) return map_unary(x, [](auto v) { return v * v; });
    if (p == 3) return map_unary(x, [](auto v) { return v * v * v; });
    if (p == 0.5) return map_unary(x, [](auto v) { return std::sqrt(v); });
    if (p == -0.5) return map_unary(x, [](auto v) { return decltype(v)(1) / std::sqrt(v); });
    if (p == -1) return map_unary(x, [](auto v) { return decltype(v)(1) / v; });
    if (p == -2) return map_unary(x, [](auto v) { return decltype(v)(1) / (v * v); });
    return map_unary(x, [p](auto v) { return static_cast<decltype(v)>(std::pow(v, p)); });
}
}  // namespace

Tensor pow(const Tensor& x, double p) {
    check_floating(x, "pow");
    Tensor out = power(x, p);
    if (!should_record(x)) return out;
    return record(Op::pow, std::move(out), {x}, [x, p](const Tensor& grad_out, const Tensor&) {
        if (p == 0) return Grads{zeros_like(x)};
        return Grads{grad_out * (pow(x, p - 1) * p)};
    });
}

Tensor exp(const Tensor& x) {
    check_floating(x, "exp");
    Tensor out = map_unary(x, [](auto v) { return std::exp(v); });
    if (!should_record(x)) return out;
    return record(Op::exp, std::move(out), {x},
                  [](const Tensor& grad_out, const Tensor& out) { return Grads{grad_out * out}; });
}

Tensor log(const Tensor& x) {
    check_floating(x, "log");
    Tensor out = map_unary(x, [](auto v) { return std::log(v); });
    if (!should_record(x)) return out;
    return record(Op::log, std::move(out), {x},
                  [x](const Tensor& grad_out, const Tensor&) { return Grads{grad_out / x}; });
}

// sqrt'(x) = 1 / (2 sqrt(x)), from the saved result
Tensor sqrt(const Tensor& x) {
    check_floating(x, "sqrt");
    Tensor out = map_unary(x, [](auto v) { return std::sqrt(v); });
    if (!should_record(x)) return out;
    return record(Op::sqrt, std::move(out), {x}, [](const Tensor& grad_out, const Tensor& out) {
        return Grads{grad_out / (out * 2.0)};
    });
}

// abs'(x) = sign(x), with sign(0) = 0 as PyTorch; the sign is a constant of the graph.
Tensor abs(const Tensor& x) {
    check_floating(x, "abs");
    Tensor out = map_unary(x, [](auto v) { return std::abs(v); });
    if (!should_record(x)) return out;
    return record(Op::abs, std::move(out), {x}, [x](const Tensor& grad_out, const Tensor&) {
        Tensor sign = map_unary(x, [](auto v) { return decltype(v)((v > 0) - (v < 0)); });
        return Grads{grad_out * sign};
    });
}

// tanh'(x) = 1 - tanh(x)^2, from the saved result
Tensor tanh(const Tensor& x) {
    check_floating(x, "tanh");
    Tensor out = map_unary(x, [](auto v) { return detail::tanh_of(v); });
    if (!should_record(x)) return out;
    return record(Op::tanh, std::move(out), {x}, [](const Tensor& grad_out, const Tensor& out) {
        return Grads{tanh_backward(grad_out, out)};
    });
}

// A primitive for speed (one op where the formula takes three); its own backward:
// d/dg = 1 - y^2, d/dy = -2 g y.
Tensor tanh_backward(const Tensor& grad, const Tensor& y) {
    Tensor out = map_binary(grad, y, same_shape(grad, y, "tanh_backward"),
                            [](auto g, auto t) { return g * (decltype(g)(1) - t * t); });
    if (!should_record(grad, y)) return out;
    return record(Op::tanh_backward, std::move(out), {grad, y},
                  [grad, y](const Tensor& grad_out, const Tensor&) {
                      return Grads{tanh_backward(grad_out, y),
                                   y.requires_grad() ? grad_out * grad * y * -2.0 : Tensor()};
                  });
}

// sigmoid' = s (1 - s)
Tensor sigmoid(const Tensor& x) {
    check_floating(x, "sigmoid");
    Tensor out = map_unary(x, [](auto v) { return detail::sigmoid_of(v); });
    if (!should_record(x)) return out;
    return record(Op::sigmoid, std::move(out), {x}, [](const Tensor& grad_out, const Tensor& out) {
        return Grads{sigmoid_backward(grad_out, out)};
    });
}

// A primitive for speed, as tanh_backward: d/dg = s (1 - s), d/ds = g (1 - 2 s).
Tensor sigmoid_backward(const Tensor& grad, const Tensor& s) {
    Tensor out = map_binary(grad, s, same_shape(grad, s, "sigmoid_backward"),
                            [](auto g, auto v) { return g * (v * (decltype(g)(1) - v)); });
    if (!should_record(grad, s)) return out;
    return record(
        Op::sigmoid_backward, out, {grad, s}, [grad, s](const Tensor& grad_out, const Tensor&) {
            return Grads{sigmoid_backward(grad_out, s),
                         s.requires_grad() ? grad_out * grad * (1.0 - s * 2.0) : Tensor()};
        });
}

// relu'(0) = 0 (PyTorch's convention); the mask is a constant of the graph.
Tensor relu(const Tensor& x) {
    check_floating(x, "relu");
    // clamp_min(x, 0) as PyTorch computes it: NaN and -0 pass through.
    Tensor out = map_unary(x, [](auto v) { return v < 0 ? decltype(v)(0) : v; });
    if (!should_record(x)) return out;
    return record(Op::relu, std::move(out), {x}, [x](const Tensor& grad_out, const Tensor&) {
        return Grads{threshold_backward(grad_out, x)};
    });
}

// A primitive for speed (one pass and one allocation where grad * mask takes two); a selection,
// so its own backward is d/dgrad = threshold_backward(gg, x) and d/dx = 0.
Tensor threshold_backward(const Tensor& grad, const Tensor& x) {
    check_floating(grad, "threshold_backward");
    Tensor out = map_binary(grad, x, same_shape(grad, x, "threshold_backward"),
                            [](auto g, auto v) { return v <= 0 ? decltype(g)(0) : g; });
    if (!should_record(grad, x)) return out;
    return record(Op::threshold_backward, std::move(out), {grad, x},
                  [x](const Tensor& grad_out, const Tensor&) {
                      return Grads{threshold_backward(grad_out, x), Tensor()};
                  });
}

// The negative slope applies at 0 as in PyTorch (x > 0 selects the identity branch).
Tensor leaky_relu(const Tensor& x, double negative_slope) {
    check_floating(x, "leaky_relu");
    Tensor out =
        map_unary(x, [s = negative_slope](auto v) { return v > 0 ? v : decltype(v)(s * v); });
    if (!should_record(x)) return out;
    return record(
        Op::leaky_relu, out, {x}, [x, negative_slope](const Tensor& grad_out, const Tensor&) {
            auto slope = [s = negative_slope](auto v) { return decltype(v)(v > 0 ? 1 : s); };
            return Grads{grad_out * map_unary(x, slope)};
        });
}

// Gradient 1 where min <= x <= max (bounds included, as PyTorch), else 0.
Tensor clamp(const Tensor& x, double min, double max) {
    check_floating(x, "clamp");
    if (!(min <= max))
        throw ShapeError("clamp: min " + std::to_string(min) + " > max " + std::to_string(max));
    Tensor out = map_unary(x, [min, max](auto v) {
        using T = decltype(v);
        return v < T(min) ? T(min) : (v > T(max) ? T(max) : v);
    });
    if (!should_record(x)) return out;
    return record(
        Op::clamp, std::move(out), {x}, [x, min, max](const Tensor& grad_out, const Tensor&) {
            auto inside = [min, max](auto v) { return decltype(v)(v >= min && v <= max); };
            return Grads{grad_out * map_unary(x, inside)};
        });
}

// max(x, 0) + log1p(e^-|x|) never overflows; softplus' = sigmoid, a primitive so the loss
// functions built on it stay finite for logits of any size.
Tensor softplus(const Tensor& x) {
    check_floating(x, "softplus");
    Tensor out = map_unary(x, [](auto v) {
        using T = decltype(v);
        return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v)));
    });
    if (!should_record(x)) return out;
    return record(Op::softplus, std::move(out), {x}, [x](const Tensor& grad_out, const Tensor&) {
        return Grads{grad_out * sigmoid(x)};
    });
}

Tensor log_sigmoid(const Tensor& x) {
    return neg(softplus(neg(x)));
}

// A primitive for speed: the scalar forms below record one entry and allocate no rank-0 tensor.
// (x s + t)' = s
Tensor affine(const Tensor& x, double scale, double shift) {
    check_floating(x, "affine");
    // No shift is added when it is 0: -0 * scale + 0 would be +0, where PyTorch's x * scale is -0.
    Tensor out = shift == 0 ? map_unary(x, [scale](auto v) { return v * decltype(v)(scale); })
                            : map_unary(x, [scale, shift](auto v) {
                                  using T = decltype(v);
                                  return v * T(scale) + T(shift);
                              });
    if (!should_record(x)) return out;
    return record(Op::affine, std::move(out), {x}, [scale](const Tensor& grad_out, const Tensor&) {
        return Grads{affine(grad_out, scale, 0.0)};
    });
}

Tensor add(const Tensor& a, double b) {
    return affine(a, 1.0, b);
}
Tensor sub(const Tensor& a, double b) {
    return affine(a, 1.0, -b);
}
Tensor sub(double a, const Tensor& b) {
    return affine(b, -1.0, a);
}
Tensor mul(const Tensor& a, double b) {
    return affine(a, b, 0.0);
}
Tensor div(const Tensor& a, double b) {
    return div(a, scalar_like(b, a));
}
Tensor div(double a, const Tensor& b) {
    return div(scalar_like(a, b), b);
}

}  // namespace potatolemon
