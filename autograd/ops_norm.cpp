// layer_norm and batch_norm: checks, the kernels of kernels/norm.hpp, and one backward shared by
// both (normalize_backward): one kernel from the saved statistics when it is not recorded, Tensor
// ops (gradients of any order) under create_graph.
#include "autograd/ops_norm.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/kernels/norm.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// The statistics a normalisation used, in the input's dtype, shaped to broadcast against it.
struct NormalizationStats {
    Tensor mean, rstd;  // rstd = 1 / sqrt(var + eps)
};

// What the backward of y = (x - mean) rstd w + b needs; weight and bias are seen as `param_view`
// (normalized_shape for layer_norm, [C, 1, ...] for batch_norm).
struct Normalization {
    Tensor x, weight, bias;
    NormalizationStats saved;
    std::vector<std::int64_t> dims;       // the dims the statistics were taken over
    std::int64_t group_begin, group_end;  // the other dims, as norm_backward takes them
    Shape param_view;
    double eps = 0;
    bool batch_stats = true;  // the statistics are x's own (false: running stats, constants)
};

// The normalisation kernels as replay records. Fused: layer_norm_backward (batch = false) or
// batch_norm_backward; the gradient pointers are null where not wanted.
template <class T>
struct FusedBackwardRecord {
    static constexpr const char* name = "normalize_backward";
    const T *dy, *x, *mean, *rstd, *weight;
    std::int64_t N, C, S;
    bool batch, batch_stats;
    T *grad_x, *grad_w, *grad_b;
    static void run(const FusedBackwardRecord& r) {
        if (!r.batch)
            kernels::layer_norm_backward<T>(r.dy, r.x, r.mean, r.rstd, r.weight, r.C, r.S, r.grad_x,
                                            r.grad_w, r.grad_b);
        else
            kernels::batch_norm_backward<T>(r.dy, r.x, r.mean, r.rstd, r.weight, r.N, r.C, r.S,
                                            r.batch_stats, r.grad_x, r.grad_w, r.grad_b);
    }
};

template <class T>
struct LayerNormRecord {
    static constexpr const char* name = "layer_norm";
    const T *x, *weight, *bias;
    std::int64_t rows, n;
    double eps;
    T *out, *mean, *rstd;
    static void run(const LayerNormRecord& r) {
        kernels::layer_norm<T>(r.x, r.weight, r.bias, r.rows, r.n, r.eps, r.out, r.mean, r.rstd);
    }
};

template <class T>
struct NormBackwardRecord {
    static constexpr const char* name = "norm_backward";
    const T *g, *x;
    std::int64_t N, C, S;
    double eps;
    T* out;
    static void run(const NormBackwardRecord& r) {
        kernels::norm_backward<T>(r.g, r.x, r.N, r.C, r.S, r.eps, r.out);
    }
};

// normalize_backward's three gradients in one kernel from the saved statistics: the path of a
// backward that is not recorded (create_graph off), so no tape link is lost. layer_norm's groups
// start at dim 0 and its parameters follow the normalised dims; batch_norm's follow channel dim 1.
Grads fused_backward(const Normalization& s, const Tensor& grad_out, bool need_x, bool need_w,
                     bool need_b) {
    const Tensor& x = s.x;
    Tensor grad_x = need_x ? empty(x.shape(), x.dtype()) : Tensor();
    Tensor grad_w = need_w ? empty(s.weight.shape(), x.dtype()) : Tensor();
    Tensor grad_b = need_b ? empty(s.bias.shape(), x.dtype()) : Tensor();
    std::int64_t N = 1, C = 1, S = 1;
    for (int d = 0; d < x.dim(); ++d)
        (d < s.group_begin ? N : d < s.group_end ? C : S) *= x.shape()[d];
    dispatch(x.dtype(), [&]<class T>() {
        auto data = [](const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
        FusedBackwardRecord<T> r{grad_out.data<T>(),
                                 x.data<T>(),
                                 data(s.saved.mean),
                                 data(s.saved.rstd),
                                 data(s.weight),
                                 N,
                                 C,
                                 S,
                                 s.group_begin != 0,
                                 s.batch_stats,
                                 data(grad_x),
                                 data(grad_w),
                                 data(grad_b)};
        FusedBackwardRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.dy, r.x, r.mean, r.rstd, r.weight},
                                 {r.grad_x, r.grad_w, r.grad_b});
    });
    return Grads{grad_x, grad_w, grad_b};
}

// With g = grad_out w and xhat = (x - mean) rstd, over the statistics' dims:
//   grad_x = rstd (g - mean(g) - xhat mean(g xhat))  (norm_backward; rstd g for running stats),
//   grad_w = sum(grad_out xhat) and grad_b = sum(grad_out) over the other dims.
// norm_backward takes x itself; grad_w's xhat comes from the saved statistics, which have no tape
// link to x: when this backward is itself recorded and x needs a gradient they are rebuilt from x
// by mean and var, so second derivatives see them move. Not recorded, it is fused_backward.
Grads normalize_backward(const Normalization& s, const Tensor& grad_out) {
    const Tensor& x = s.x;
    bool need_x = x.requires_grad();
    bool need_w = s.weight.defined() && s.weight.requires_grad();
    bool need_b = s.bias.defined() && s.bias.requires_grad();
    if (x.numel() == 0)  // nothing to average over; every gradient is an empty or zero sum
        return Grads{need_x ? zeros_like(x) : Tensor(), need_w ? zeros_like(s.weight) : Tensor(),
                     need_b ? zeros_like(s.bias) : Tensor()};
    if (!grad_mode_enabled()) return fused_backward(s, grad_out, need_x, need_w, need_b);
    Tensor mu = s.saved.mean, rstd = s.saved.rstd;
    if (s.batch_stats && need_x && need_w && grad_mode_enabled()) {
        mu = mean(x, s.dims, true);
        rstd = pow(var(x, s.dims, 0, true) + s.eps, -0.5);
    }
    Tensor grad_x, grad_w, grad_b;
    if (need_x) {
        Tensor g = s.weight.defined() ? grad_out * view(s.weight, s.param_view) : grad_out;
        grad_x = s.batch_stats ? norm_backward(g, x, s.group_begin, s.group_end, s.eps) : g * rstd;
    }
    if (need_w) grad_w = view(sum_to(grad_out * ((x - mu) * rstd), s.param_view), s.weight.shape());
    if (need_b) grad_b = view(sum_to(grad_out, s.param_view), s.bias.shape());
    return Grads{grad_x, grad_w, grad_b};
}

Tensor record_normalization(Op op, const Tensor& out, Normalization s) {
    SmallVector<Tensor, 3> inputs{s.x, s.weight, s.bias};
    return record(op, out, std::move(inputs),
                  [s = std::move(s)](const Tensor& grad_out, const Tensor&) {
                      return normalize_backward(s, grad_out);
                  });
}

// d/dx of <v, norm_backward(g, x)>. Per group of n values, with d = x - mean, r = rstd,
// c = mean(g d), p = sum(v (g - mean(g))) and q = sum(v d): out = r (g - mean(g)) - r^3 c d, so
// <v, out> = r p - r^3 c q, and dr/dx = -r^3 d / n, dc/dx = (g - mean(g)) / n, dq/dx = v - mean(v)
// give -(r^3 / n) ((p - 3 r^2 c q) d + q (g - mean(g))) - r^3 c (v - mean(v)).
Tensor norm_backward_input(const Tensor& v, const Tensor& g, const Tensor& x,
                           const std::vector<std::int64_t>& dims, double eps, double n) {
    Tensor d = x - mean(x, dims, true);
    Tensor r = pow(var(x, dims, 0, true) + eps, -0.5);
    Tensor r2 = r * r, r3 = r2 * r;
    Tensor g_centred = g - mean(g, dims, true);
    Tensor c = mean(g * d, dims, true);
    Tensor p = sum(v * g_centred, dims, true), q = sum(v * d, dims, true);
    return neg(r3 * ((p - 3.0 * r2 * c * q) * d + q * g_centred) / n +
               r3 * c * (v - mean(v, dims, true)));
}

// A weight, bias or running stat: undefined, or of `shape` and the input's dtype.
void check_param(const Tensor& t, const char* what, const Tensor& input, const Shape& shape,
                 const char* op) {
    if (!t.defined()) return;
    check_same_dtype(input, t, op);
    if (t.shape() != shape)
        throw ShapeError(std::string(op) + ": " + what + " " + to_string(t.shape()) +
                         " must have shape " + to_string(shape) + " for input " +
                         to_string(input.shape()));
}

std::string dims_string(const std::vector<std::int64_t>& dims) {
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}
}  // namespace

Tensor layer_norm(const Tensor& input, const std::vector<std::int64_t>& normalized_shape,
                  const Tensor& weight, const Tensor& bias, double eps) {
    const char* op = "layer_norm";
    check_floating(input, op);
    int k = static_cast<int>(normalized_shape.size()), lead = input.dim() - k;
    bool fits = k >= 1 && lead >= 0;
    for (int i = 0; fits && i < k; ++i) fits = input.shape()[lead + i] == normalized_shape[i];
    if (!fits)
        throw ShapeError("layer_norm: normalized_shape " + dims_string(normalized_shape) +
                         " must be the trailing dims of input " + to_string(input.shape()) +
                         " (and not empty)");
    Shape param_shape(normalized_shape), kept = input.shape();
    check_param(weight, "weight", input, param_shape, op);
    check_param(bias, "bias", input, param_shape, op);
    std::vector<std::int64_t> dims;
    for (int d = lead; d < input.dim(); ++d) {
        dims.push_back(d);
        kept[d] = 1;
    }
    Tensor out = empty(input.shape(), input.dtype());
    Tensor mean = empty(kept, input.dtype()), rstd = empty(kept, input.dtype());
    std::int64_t n = param_shape.numel(), rows = kept.numel();
    dispatch(input.dtype(), [&]<class T>() {
        LayerNormRecord<T> r{input.data<T>(),
                             weight.defined() ? weight.data<T>() : nullptr,
                             bias.defined() ? bias.data<T>() : nullptr,
                             rows,
                             n,
                             eps,
                             out.data<T>(),
                             mean.data<T>(),
                             rstd.data<T>()};
        LayerNormRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.x, r.weight, r.bias}, {r.out, r.mean, r.rstd});
    });
    if (!should_record(input, weight, bias)) return out;
    return record_normalization(
        Op::layer_norm, out,
        {input, weight, bias, {mean, rstd}, dims, 0, lead, param_shape, eps, true});
}

namespace {
void check_batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                      const Tensor& weight, const Tensor& bias, bool training) {
    const char* op = "batch_norm";
    check_floating(input, op);
    if (input.dim() < 2)
        throw ShapeError("batch_norm: input " + to_string(input.shape()) +
                         " needs at least 2 dims ([N, C, ...])");
    Shape channels{input.shape()[1]};
    check_param(running_mean, "running_mean", input, channels, op);
    check_param(running_var, "running_var", input, channels, op);
    check_param(weight, "weight", input, channels, op);
    check_param(bias, "bias", input, channels, op);
    if (running_mean.defined() != running_var.defined())
        throw ShapeError(
            "batch_norm: running_mean and running_var must be both defined or "
            "both undefined");
    // PyTorch 1.13 refuses an affine batch norm of no channels (nn.BatchNorm1d(0) included).
    if (input.shape()[1] == 0 && (weight.defined() || bias.defined()))
        throw ShapeError("batch_norm: input " + to_string(input.shape()) +
                         " has no channels for weight or bias");
    std::int64_t per_channel = input.shape()[0];
    for (int d = 2; d < input.dim(); ++d) per_channel *= input.shape()[d];
    if (training && per_channel == 1)
        throw ShapeError("batch_norm: expected more than 1 value per channel when training, " +
                         ("got input " + to_string(input.shape())));
}

// batch_norm's forward as one kernel and replay record: the per-channel statistics (the batch's,
// or the running ones), the running statistics' update, the saved mean and rstd, and
// y = x scale + shift with scale = rstd w and shift = b - mean scale (as PyTorch). Everything per
// channel is in double, in `scratch` (4 C doubles: mean, biased var, scale, shift).
template <class T>
struct BatchNormRecord {
    static constexpr const char* name = "batch_norm";
    const T *x, *weight, *bias;     // weight and bias null when absent
    T *running_mean, *running_var;  // null without running statistics
    std::int64_t N, C, S;           // x seen as [N, C, S]
    bool batch_stats, update;       // update: r = (1 - momentum) r + momentum stat
    double momentum, eps;
    double* scratch;
    T *out, *mean, *rstd;
    static void run(const BatchNormRecord& r);
};

template <class T>
void BatchNormRecord<T>::run(const BatchNormRecord& r) {
    const std::int64_t C = r.C, count = r.N * r.S;
    double *mean = r.scratch, *var = mean + C, *scale = var + C, *shift = scale + C;
    for (std::int64_t c = 0; c < C; ++c) {
        mean[c] = r.batch_stats ? 0.0 : double(r.running_mean[c]);
        var[c] = r.batch_stats ? 1.0 : double(r.running_var[c]);
    }
    if (r.batch_stats && count > 0) kernels::batch_norm_stats<T>(r.x, r.N, C, r.S, mean, var);
    if (r.update) {  // torch's running variance is the unbiased one
        const double unbias = count / (count - 1.0), m = r.momentum;
        for (std::int64_t c = 0; c < C; ++c) {
            r.running_mean[c] = static_cast<T>((1 - m) * r.running_mean[c] + m * mean[c]);
            r.running_var[c] = static_cast<T>((1 - m) * r.running_var[c] + m * var[c] * unbias);
        }
    }
    for (std::int64_t c = 0; c < C; ++c) {
        const double rstd = 1 / std::sqrt(var[c] + r.eps);
        scale[c] = rstd * (r.weight ? double(r.weight[c]) : 1.0);
        shift[c] = (r.bias ? double(r.bias[c]) : 0.0) - mean[c] * scale[c];
        r.mean[c] = static_cast<T>(mean[c]);
        r.rstd[c] = static_cast<T>(rstd);
    }
    kernels::batch_norm_apply<T>(r.x, r.N, C, r.S, scale, shift, r.out);
}
}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum,
                  double eps) {
    check_batch_norm(input, running_mean, running_var, weight, bias, training);
    std::int64_t N = input.shape()[0], C = input.shape()[1], S = 1;
    Shape param_view{C};
    std::vector<std::int64_t> dims{0};
    for (int d = 2; d < input.dim(); ++d) {
        S *= input.shape()[d];
        param_view.push_back(1);
        dims.push_back(d);
    }
    // Without running stats there is nothing else to normalise with, in either mode (as
    // nn.BatchNorm with track_running_stats off).
    bool batch_stats = training || !running_mean.defined();
    NormalizationStats saved{empty(param_view, input.dtype()), empty(param_view, input.dtype())};
    Tensor out = empty(input.shape(), input.dtype());
    Tensor scratch = empty(Shape{4 * C}, Dtype::float64);
    dispatch(input.dtype(), [&]<class T>() {
        auto data = [](const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
        BatchNormRecord<T> r{input.data<T>(),
                             data(weight),
                             data(bias),
                             data(running_mean),
                             data(running_var),
                             N,
                             C,
                             S,
                             batch_stats,
                             training && running_mean.defined() && N * S > 0,
                             momentum,
                             eps,
                             scratch.data<double>(),
                             out.data<T>(),
                             saved.mean.data<T>(),
                             saved.rstd.data<T>()};
        // Emitted before the run, which changes the running statistics it reads. Written: a
        // module's buffers persist across steps (no restore), while statistics made during the
        // capture are constants, restored before each replay as eager makes them afresh.
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.x, r.weight, r.bias, r.running_mean, r.running_var},
                                 {r.running_mean, r.running_var, r.scratch, r.out, r.mean, r.rstd});
        BatchNormRecord<T>::run(r);
    });
    if (!should_record(input, weight, bias)) return out;
    return record_normalization(
        Op::batch_norm, out,
        {input, weight, bias, saved, dims, 1, 2, param_view, eps, batch_stats});
}

Tensor norm_backward(const Tensor& g, const Tensor& x, std::int64_t group_begin,
                     std::int64_t group_end, double eps) {
    check_same_dtype(g, x, "norm_backward");
    if (g.shape() != x.shape() || group_begin < 0 || group_begin > group_end || group_end > x.dim())
        throw ShapeError("norm_backward: grad " + to_string(g.shape()) + " and input " +
                         to_string(x.shape()) + " must have one shape, with groups over dims [" +
                         std::to_string(group_begin) + ", " + std::to_string(group_end) + ")");
    std::int64_t N = 1, C = 1, S = 1;
    std::vector<std::int64_t> dims;  // the dims each group's statistics are taken over
    for (int d = 0; d < x.dim(); ++d) {
        (d < group_begin ? N : d < group_end ? C : S) *= x.shape()[d];
        if (d < group_begin || d >= group_end) dims.push_back(d);
    }
    Tensor out = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        NormBackwardRecord<T> r{g.data<T>(), x.data<T>(), N, C, S, eps, out.data<T>()};
        NormBackwardRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.g, r.x}, {r.out});
    });
    if (!should_record(g, x)) return out;
    return record(Op::norm_backward, std::move(out), {g, x},
                  [g, x, dims, group_begin, group_end, eps, n = static_cast<double>(N * S)](
                      const Tensor& grad_out, const Tensor&) {
                      if (x.numel() == 0) return Grads{zeros_like(g), zeros_like(x)};
                      Tensor grad_g, grad_x;
                      // The op is self-adjoint in g: the same projection maps grad_out back.
                      if (g.requires_grad())
                          grad_g = norm_backward(grad_out, x, group_begin, group_end, eps);
                      if (x.requires_grad())
                          grad_x = norm_backward_input(grad_out, g, x, dims, eps, n);
                      return Grads{grad_g, grad_x};
                  });
}

}  // namespace potatolemon
