#include "autograd/ops_loss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/reduce_kernels.hpp"
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

template <class T>
T bce_value(T prob, T target) {
    T log_p = std::max(std::log(prob), T(kLogFloor));
    T log_q = std::max(std::log(T(1) - prob), T(kLogFloor));
    return -(target * log_p + (T(1) - target) * log_q);
}

// The elementwise losses, unrecorded.
Tensor bce_values(const Tensor& p, const Tensor& y) {
    return detail::map_binary(p, y, p.shape(),
                              [](auto prob, auto target) { return bce_value(prob, target); });
}

// What the reduced value is multiplied by; 1 (no multiplication at all) for sum.
double reduction_scale(Reduction reduction, std::int64_t count) {
    if (reduction != Reduction::mean) return 1;
    return count == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(count);
}

// A reduced loss's incoming gradient times its scale, rounded as the kernels round it (no
// multiplication by 1, as for sum).
Tensor scaled(const Tensor& grad, double scale) {
    return scale == 1 ? grad : affine(grad, scale, 0.0);
}

// The reduced loss in one pass, as its replay record: each value rounded to T and summed in
// double in order, exactly as mean (or sum) of the elementwise op would, so the bits agree.
template <class T>
struct BceReducedRecord {
    static constexpr const char* name = "binary_cross_entropy";
    const T *p, *y;
    T* out;
    std::int64_t n;
    double scale;
    static void run(const BceReducedRecord& r) {
        double total = 0;
        for (std::int64_t i = 0; i < r.n; ++i) total += bce_value(r.p[i], r.y[i]);
        *r.out = static_cast<T>(total * r.scale);
    }
};

Tensor reduced_bce(const Tensor& p, const Tensor& y, double scale) {
    // A large loss computes its logs on the thread pool first; the sum is then the same loop.
    if (p.numel() > detail::kElementwiseGrain)
        return detail::sum_block(bce_values(p, y), detail::BlockView{1, p.numel(), 1}, Shape{},
                                 scale);
    Tensor out = empty(Shape{}, p.dtype());
    dispatch(p.dtype(), [&]<class T>() {
        BceReducedRecord<T> r{p.data<T>(), y.data<T>(), out.data<T>(), p.numel(), scale};
        BceReducedRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.p, r.y}, {r.out});
    });
    return out;
}
}  // namespace

// d/dp = (p - y) / max(p (1 - p), eps),  d/dy = log(1 - p) - log(p), both logs clamped; a
// reduction scales the (scalar) incoming gradient and spreads it over the elements.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& y, Reduction reduction) {
    check_same_dtype(p, y, "binary_cross_entropy");
    if (p.shape() != y.shape())
        throw ShapeError("binary_cross_entropy: input " + to_string(p.shape()) + " and target " +
                         to_string(y.shape()) + " must have the same shape");
    double scale = reduction_scale(reduction, p.numel());
    Tensor out = reduction != Reduction::none ? reduced_bce(p, y, scale) : bce_values(p, y);
    if (!should_record(p, y)) return out;
    return record(Op::binary_cross_entropy, std::move(out), {p, y},
                  [p, y, reduction, scale](const Tensor& grad_out, const Tensor&) {
                      Tensor grad_p, grad_y;
                      if (p.requires_grad())
                          grad_p = binary_cross_entropy_backward(grad_out, p, y, reduction);
                      if (y.requires_grad()) {
                          grad_y =
                              scaled(grad_out, scale) * (clamped_log(1.0 - p) - clamped_log(p));
                      }
                      return Grads{grad_p, grad_y};
                  });
}

namespace {
// max(p (1 - p), eps): the gradient's denominator. Its derivative (1 - 2p) passes where the
// product is at or above eps, as clamp passes at its bounds.
Tensor bce_denominator(const Tensor& p) {
    return clamp(p * (1.0 - p), kEpsilon, std::numeric_limits<double>::infinity());
}
}  // namespace

namespace {
// binary_cross_entropy_backward's kernel, as its replay record; `g_step` is 0 when one reduced
// gradient (times `scale`, unless that is 1) stands for every element.
template <class T>
struct BceBackwardRecord {
    static constexpr const char* name = "binary_cross_entropy_backward";
    const T *g, *p, *y;
    T* o;
    std::int64_t n, g_step;
    double scale;
    static void run(const BceBackwardRecord& r) {
        const T *g = r.g, *pp = r.p, *yy = r.y;
        T* o = r.o;
        // The reduced gradient rounded as affine(grad, scale) rounds it.
        const T g0 = r.n == 0 ? T(0) : r.scale == 1 ? g[0] : g[0] * T(r.scale);
        const std::int64_t step = r.g_step;
        kernels::parallel_for(r.n, detail::kElementwiseGrain, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i) {
                T gi = step ? g[i] : g0;
                o[i] = gi * (pp[i] - yy[i]) / std::max(pp[i] * (T(1) - pp[i]), T(kEpsilon));
            }
        });
    }
};

// The reduced gradient as the ops it stands for, so that a recorded backward differentiates
// through them: scale, then spread over p's shape. The same bits as the kernel.
Tensor spread_reduced(const Tensor& grad, const Tensor& p, double scale) {
    return expand(scaled(grad, scale), p.shape());
}
}  // namespace

// A primitive for speed: one kernel instead of six tensors. Its own derivatives, with
// D = max(p (1 - p), eps): d/dg = (p - y) / D, d/dy = -g / D,
// d/dp = g (1 / D - (p - y) D' / D^2) with D' = 1 - 2p where p (1 - p) >= eps, else 0.
Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& p, const Tensor& y,
                                     Reduction reduction) {
    const char* op = "binary_cross_entropy_backward";
    check_same_dtype(grad, p, op);
    check_same_dtype(p, y, op);
    bool reduced = reduction != Reduction::none;
    if ((reduced ? grad.dim() != 0 : grad.shape() != p.shape()) || p.shape() != y.shape())
        throw ShapeError(std::string(op) + ": grad " + to_string(grad.shape()) + ", input " +
                         to_string(p.shape()) + " and target " + to_string(y.shape()) +
                         (reduced ? " (a reduced loss's grad is a scalar; input and target "
                                    "must have the same shape)"
                                  : " must have the same shape"));
    double scale = reduction_scale(reduction, p.numel());
    if (reduced && should_record(grad, p, y))
        return binary_cross_entropy_backward(spread_reduced(grad, p, scale), p, y);
    Tensor out = empty(p.shape(), p.dtype());
    dispatch(p.dtype(), [&]<class T>() {
        BceBackwardRecord<T> r{grad.data<T>(), p.data<T>(),     y.data<T>(), out.data<T>(),
                               p.numel(),      reduced ? 0 : 1, scale};
        BceBackwardRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.g, r.p, r.y}, {r.o});
    });
    if (!should_record(grad, p, y)) return out;
    return record(Op::binary_cross_entropy_backward, std::move(out), {grad, p, y},
                  [grad, p, y](const Tensor& grad_out, const Tensor&) {
                      Tensor denominator = bce_denominator(p);
                      Tensor grad_g = binary_cross_entropy_backward(grad_out, p, y);
                      Tensor grad_p, grad_y;
                      if (p.requires_grad()) {
                          // D' = 1 - 2p, differentiable; the mask of where it applies is not.
                          Tensor active = detail::map_unary(p, [](auto v) {
                              using T = decltype(v);
                              return T(v * (T(1) - v) >= T(kEpsilon));
                          });
                          Tensor slope = affine(p, -2.0, 1.0) * active;
                          grad_p =
                              grad_out * grad *
                              (1.0 / denominator - (p - y) * slope / (denominator * denominator));
                      }
                      if (y.requires_grad()) grad_y = neg(grad_out * grad / denominator);
                      return Grads{grad_g, grad_p, grad_y};
                  });
}

}  // namespace potatolemon
