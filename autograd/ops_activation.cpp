// GELU, SiLU and ELU: forward kernels in double, one tape entry each; each `_backward` is a
// primitive too, whose own backward writes the second derivative in Tensor ops (so third
// derivatives work as well) in forms that stay finite where x² or x³ overflows.
#include "autograd/ops_activation.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/float_math.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

using detail::map_binary;
using detail::map_unary;

namespace {
constexpr double kSqrtHalf = 0.70710678118654752440;    // 1 / √2
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1 / √(2π)
constexpr double kBeta = 0.79788456080286535588;        // √(2/π), PyTorch's kBeta
constexpr double kKappa = 0.044715;                     // PyTorch's kKappa
constexpr double kGeluTanhSaturation = 1e4;             // see gelu_tanh_grad

// f(x) on every element, evaluated in double and rounded once to the tensor's type.
template <class F>
Tensor map_in_double(const Tensor& x, F f) {
    return map_unary(x, [f](auto v) { return static_cast<decltype(v)>(f(double(v))); });
}
// grad * f'(x) on every element, the product taken in double and rounded once.
template <class F>
Tensor backward_in_double(const Tensor& grad, const Tensor& x, const char* op, F derivative) {
    check_same_dtype(grad, x, op);
    if (grad.shape() != x.shape())
        throw ShapeError(std::string(op) + ": grad " + to_string(grad.shape()) + " and input " +
                         to_string(x.shape()) + " differ");
    return map_binary(grad, x, x.shape(), [derivative](auto g, auto v) {
        return static_cast<decltype(g)>(double(g) * derivative(double(v)));
    });
}

bool gelu_is_tanh(std::string_view approximate, const char* op) {
    if (approximate == "none") return false;
    if (approximate == "tanh") return true;
    throw ShapeError(std::string(op) + ": approximate must be \"none\" or \"tanh\", got \"" +
                     std::string(approximate) + "\"");
}
const char* gelu_name(bool tanh_form) {
    return tanh_form ? "tanh" : "none";
}

// x Φ(x) with Φ(x) = erfc(-x/√2) / 2, which keeps its precision in the left tail where
// 1 + erf(x/√2) (PyTorch's form) cancels to 0.
double gelu_erf(double x) {
    return 0.5 * x * std::erfc(-x * kSqrtHalf);
}
// Φ(x) + x φ(x); x φ(x) is x * 0 = 0 once x² overflows, never inf * 0.
double gelu_erf_grad(double x) {
    return 0.5 * std::erfc(-x * kSqrtHalf) + x * (kInvSqrt2Pi * std::exp(-0.5 * x * x));
}
// 0.5 (1 + tanh u) = sigmoid(2u), u = β (x + κ x³): no cancellation for negative x.
double gelu_tanh(double x) {
    double u = kBeta * (x + kKappa * x * x * x);
    return x * detail::sigmoid_of(2 * u);
}
// sigmoid(2u) + 2 x u' sigmoid(2u) sigmoid(-2u), u' = β (1 + 3κ x²). Past |x| = 1e4 sigmoid(-2|u|)
// underflows, so the result is exactly 1 or 0 there, and x u' would overflow further out. At ±inf
// it is NaN, as PyTorch's inf * 0 gives (and the erf form's).
double gelu_tanh_grad(double x) {
    if (std::isinf(x)) return std::numeric_limits<double>::quiet_NaN();
    if (std::abs(x) > kGeluTanhSaturation) return x > 0 ? 1 : 0;
    double u = kBeta * (x + kKappa * x * x * x);
    double du = kBeta * (1 + 3 * kKappa * x * x);
    double s = detail::sigmoid_of(2 * u);
    return s + 2 * x * du * s * detail::sigmoid_of(-2 * u);
}

// gelu''(x) = φ(x) (2 - x²), written 2φ - x (x φ) so that it is 0, not inf * 0, where x² overflows.
Tensor gelu_erf_second(const Tensor& x) {
    Tensor phi = exp(x * x * -0.5) * kInvSqrt2Pi;
    return phi * 2.0 - x * (x * phi);
}
// gelu''(x) = (1 - t²) (β (1 + 6κ x²) - x t u'²), t = tanh u, with 1 - t² = 4 sigmoid(2u)
// sigmoid(-2u), which keeps its relative precision where t rounds near ±1 (1 - t² would lose all
// of it in float by |x| = 5). x is clamped where the result is exactly 0 already, so that x u'²
// cannot overflow to inf * 0; x * 0 adds nothing but makes ±inf give PyTorch's NaN.
Tensor gelu_tanh_second(const Tensor& x) {
    Tensor xc = clamp(x, -kGeluTanhSaturation, kGeluTanhSaturation);
    Tensor x2 = xc * xc;
    Tensor u = (xc + xc * x2 * kKappa) * kBeta;
    Tensor du = affine(x2, 3 * kKappa * kBeta, kBeta);
    Tensor sech2 = sigmoid(u * 2.0) * sigmoid(u * -2.0) * 4.0;
    return sech2 * (affine(x2, 6 * kKappa * kBeta, kBeta) - xc * tanh(u) * du * du) + x * 0.0;
}

// x s with s = sigmoid(x), which never overflows.
double silu_of(double x) {
    return x * detail::sigmoid_of(x);
}
// s (1 + x sigmoid(-x)): 1 - s taken as sigmoid(-x) keeps its precision for large x.
double silu_grad(double x) {
    return detail::sigmoid_of(x) * (1 + x * detail::sigmoid_of(-x));
}
// silu''(x) = s s̄ (2 + x (s̄ - s)) with s = sigmoid(x), s̄ = 1 - s = sigmoid(-x): each factor
// keeps its relative precision in float (1 - s would lose it as s nears 1), and s s̄ is 0
// wherever x (s̄ - s) is large.
Tensor silu_second(const Tensor& x) {
    Tensor s = sigmoid(x), s_bar = sigmoid(-x);
    return s * s_bar * (x * (s_bar - s) + 2.0);
}

// elu''(x) = alpha e^x for x < 0, else 0. At 0 this takes the other side from elu'(0) = alpha,
// as PyTorch's elu_double_backward does (mask x < 0). e^min(x, 0) keeps e^x from overflowing to
// inf * 0 on the masked side.
Tensor elu_second(const Tensor& x, double alpha) {
    Tensor negative = map_unary(x, [](auto v) { return decltype(v)(v < 0); });
    return exp(clamp(x, -std::numeric_limits<double>::infinity(), 0)) * negative * alpha;
}
}  // namespace

Tensor gelu(const Tensor& x, std::string_view approximate) {
    check_floating(x, "gelu");
    bool tanh_form = gelu_is_tanh(approximate, "gelu");
    Tensor out = tanh_form ? map_in_double(x, gelu_tanh) : map_in_double(x, gelu_erf);
    if (!should_record(x)) return out;
    return record(Op::gelu, std::move(out), {x},
                  [x, tanh_form](const Tensor& grad_out, const Tensor&) {
                      return Grads{gelu_backward(grad_out, x, gelu_name(tanh_form))};
                  });
}

// d/dgrad = gelu'(x), d/dx = grad gelu''(x)
Tensor gelu_backward(const Tensor& grad, const Tensor& x, std::string_view approximate) {
    bool tanh_form = gelu_is_tanh(approximate, "gelu_backward");
    Tensor out = tanh_form ? backward_in_double(grad, x, "gelu_backward", gelu_tanh_grad)
                           : backward_in_double(grad, x, "gelu_backward", gelu_erf_grad);
    if (!should_record(grad, x)) return out;
    return record(Op::gelu_backward, std::move(out), {grad, x},
                  [grad, x, tanh_form](const Tensor& grad_out, const Tensor&) {
                      Tensor second;
                      if (x.requires_grad())
                          second = tanh_form ? gelu_tanh_second(x) : gelu_erf_second(x);
                      return Grads{grad.requires_grad()
                                       ? gelu_backward(grad_out, x, gelu_name(tanh_form))
                                       : Tensor(),
                                   x.requires_grad() ? grad_out * grad * second : Tensor()};
                  });
}

Tensor silu(const Tensor& x) {
    check_floating(x, "silu");
    Tensor out = map_in_double(x, silu_of);
    if (!should_record(x)) return out;
    return record(Op::silu, std::move(out), {x}, [x](const Tensor& grad_out, const Tensor&) {
        return Grads{silu_backward(grad_out, x)};
    });
}

// d/dgrad = silu'(x), d/dx = grad silu''(x)
Tensor silu_backward(const Tensor& grad, const Tensor& x) {
    Tensor out = backward_in_double(grad, x, "silu_backward", silu_grad);
    if (!should_record(grad, x)) return out;
    return record(Op::silu_backward, std::move(out), {grad, x},
                  [grad, x](const Tensor& grad_out, const Tensor&) {
                      return Grads{grad.requires_grad() ? silu_backward(grad_out, x) : Tensor(),
                                   x.requires_grad() ? grad_out * grad * silu_second(x) : Tensor()};
                  });
}

// expm1 keeps alpha (e^x - 1) precise near 0. At x = ±0 PyTorch's (e^x - 1) alpha is +0 alpha, so
// the zero takes alpha's sign: expm1(-0) = -0 becomes +0 by adding +0.
Tensor elu(const Tensor& x, double alpha) {
    check_floating(x, "elu");
    Tensor out = map_in_double(
        x, [alpha](double v) { return v > 0 ? v : alpha * (std::expm1(v) + 0.0); });
    if (!should_record(x)) return out;
    return record(Op::elu, std::move(out), {x}, [x, alpha](const Tensor& grad_out, const Tensor&) {
        return Grads{elu_backward(grad_out, x, alpha)};
    });
}

// elu'(0) = alpha: PyTorch's elu_backward takes the x <= 0 branch at 0.
// d/dgrad = elu'(x), d/dx = grad elu''(x)
Tensor elu_backward(const Tensor& grad, const Tensor& x, double alpha) {
    Tensor out = backward_in_double(grad, x, "elu_backward",
                                    [alpha](double v) { return v > 0 ? 1 : alpha * std::exp(v); });
    if (!should_record(grad, x)) return out;
    return record(
        Op::elu_backward, out, {grad, x}, [grad, x, alpha](const Tensor& grad_out, const Tensor&) {
            return Grads{grad.requires_grad() ? elu_backward(grad_out, x, alpha) : Tensor(),
                         x.requires_grad() ? grad_out * grad * elu_second(x, alpha) : Tensor()};
        });
}

}  // namespace potatolemon
