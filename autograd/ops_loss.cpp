#include "autograd/ops_loss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// PyTorch's constants: logs are clamped at -100, and the gradient's denominator p (1 - p) at 1e-12.
constexpr double kLogFloor = -100;
constexpr double kEpsilon = 1e-12;
// Below e^-100 in both dtypes yet above 0 in float32, so log never sees 0 and its gradient never
// divides by it; the outer clamp then makes the value exactly -100 with gradient 0.
constexpr double kTiny = 1e-44;

Tensor clamped_log(const Tensor& t) {
    return clamp(log(clamp(t, kTiny, 1.0)), kLogFloor, 0.0);
}
}  // namespace

// d/dp = (p - y) / max(p (1 - p), eps),  d/dy = log(1 - p) - log(p), both logs clamped.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& y) {
    check_same_dtype(p, y, "binary_cross_entropy");
    if (p.shape() != y.shape())
        throw ShapeError("binary_cross_entropy: input " + to_string(p.shape()) + " and target " +
                         to_string(y.shape()) + " must have the same shape");
    Tensor out = detail::map_binary(p, y, p.shape(), [](auto prob, auto target) {
        using T = decltype(prob);
        T log_p = std::max(std::log(prob), T(kLogFloor));
        T log_q = std::max(std::log(T(1) - prob), T(kLogFloor));
        return -(target * log_p + (T(1) - target) * log_q);
    });
    return record(
        Op::binary_cross_entropy, out, {p, y}, [p, y](const Tensor& grad_out, const Tensor&) {
            Tensor grad_p, grad_y;
            if (p.requires_grad()) {
                Tensor denominator =
                    clamp(p * (1.0 - p), kEpsilon, std::numeric_limits<double>::infinity());
                grad_p = grad_out * (p - y) / denominator;
            }
            if (y.requires_grad()) grad_y = grad_out * (clamped_log(1.0 - p) - clamped_log(p));
            return Grads{grad_p, grad_y};
        });
}

}  // namespace potatolemon
