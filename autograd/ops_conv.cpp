// conv2d, conv1d and conv2d's three backward primitives (input, weight, bias): argument checks,
// the kernels of kernels/conv.hpp, and the tape entries. Dimension letters as in kernels/conv.hpp.
#include "autograd/ops_conv.hpp"

#include <string>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/kernels/conv.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
struct ConvArgs {
    Size2 stride, padding, dilation;
    std::int64_t groups;
};

// A spatial argument as the op's user wrote it: one number for conv1d (the width), else (h, w).
// Appended piece by piece: g++ 12 -O2 warns (-Wrestrict, a false positive) on the
// `"(" + std::to_string(...)` of to_string(Size2).
std::string spatial(Size2 v, int dims) {
    if (dims == 1) return std::to_string(v.w);
    std::string out = "(";
    out += std::to_string(v.h);
    out += ", ";
    out += std::to_string(v.w);
    out += ")";
    return out;
}

void check_ranks(const char* op, const Shape& input, const Shape& weight, int dims) {
    const char* layout = dims == 1 ? "[N, C, L]" : "[N, C, H, W]";
    const char* kernel = dims == 1 ? "[O, C/groups, k]" : "[O, C/groups, kH, kW]";
    std::string rank = std::to_string(dims + 2) + "-D ";
    if (input.rank() != dims + 2)
        throw ShapeError(std::string(op) + ": expected a " + rank + "input " + layout + ", got " +
                         to_string(input));
    if (weight.rank() != dims + 2)
        throw ShapeError(std::string(op) + ": expected a " + rank + "weight " + kernel + ", got " +
                         to_string(weight));
    // As PyTorch: no output channels or an empty kernel is an error; no input channels per group
    // (weight [O, 0, kH, kW]) sums nothing, giving the bias (or zeros).
    if (weight[0] == 0 || weight[2] == 0 || (dims == 2 && weight[3] == 0))
        throw ShapeError(std::string(op) + ": weight " + to_string(weight) +
                         " has no output channels or an empty kernel");
}

void check_args(const char* op, const ConvArgs& a, int dims) {
    auto fail = [&](const char* name, Size2 v, const char* need) {
        throw ShapeError(std::string(op) + ": " + name + " must be " + need + ", got " +
                         spatial(v, dims));
    };
    if (a.stride.h < 1 || a.stride.w < 1) fail("stride", a.stride, ">= 1");
    if (a.dilation.h < 1 || a.dilation.w < 1) fail("dilation", a.dilation, ">= 1");
    if (a.padding.h < 0 || a.padding.w < 0) fail("padding", a.padding, ">= 0");
    if (a.groups < 1)
        throw ShapeError(std::string(op) + ": groups must be >= 1, got " +
                         std::to_string(a.groups));
}

void check_channels(const char* op, const Shape& input, const Shape& weight, std::int64_t groups) {
    std::int64_t expected = 0;
    if (__builtin_mul_overflow(weight[1], groups, &expected) || input[1] != expected)
        throw ShapeError(std::string(op) + ": input has " + std::to_string(input[1]) +
                         " channels, weight expects " +
                         (expected > 0 ? std::to_string(expected) : std::string("more")) +
                         " (groups " + std::to_string(groups) + ")");
    if (weight[0] % groups != 0)
        throw ShapeError(std::string(op) + ": weight " + to_string(weight) + " has " +
                         std::to_string(weight[0]) + " output channels, not divisible by groups " +
                         std::to_string(groups));
}

// base + factor · times, or -1 past 2^40 (beyond any allocation) instead of overflowing.
std::int64_t extent(std::int64_t base, std::int64_t factor, std::int64_t times) {
    std::int64_t out = 0;
    bool bad = __builtin_mul_overflow(factor, times, &out) ||
               __builtin_add_overflow(out, base, &out) || out > (std::int64_t{1} << 40);
    return bad ? -1 : out;
}

// The geometry of `op` on these shapes (ranks dims + 2, spatial dims last), or a ShapeError.
kernels::ConvShape conv_shape(const char* op, const Shape& input, const Shape& weight,
                              const ConvArgs& a, int dims) {
    check_ranks(op, input, weight, dims);
    check_args(op, a, dims);
    check_channels(op, input, weight, a.groups);
    std::int64_t H = dims == 1 ? 1 : input[2], W = input[dims + 1];
    std::int64_t KH = dims == 1 ? 1 : weight[2], KW = weight[dims + 1];
    if (input[0] > 0 && (H == 0 || W == 0))  // as PyTorch: only an empty batch may be empty
        throw ShapeError(std::string(op) + ": input " + to_string(input) +
                         " has a zero-size spatial dim");
    Size2 span{extent(1, a.dilation.h, KH - 1), extent(1, a.dilation.w, KW - 1)};
    Size2 padded{extent(H, a.padding.h, 2), extent(W, a.padding.w, 2)};
    if (span.h < 0 || span.w < 0 || padded.h < 0 || padded.w < 0)
        throw ShapeError(std::string(op) + ": padding " + spatial(a.padding, dims) +
                         " or dilation " + spatial(a.dilation, dims) + " too large for input " +
                         to_string(input));
    if (span.h > padded.h || span.w > padded.w)
        throw ShapeError(std::string(op) + ": kernel " + to_string(weight) + " with dilation " +
                         spatial(a.dilation, dims) + " spans " + spatial(span, dims) +
                         ", more than the padded input " + spatial(padded, dims) + " of " +
                         to_string(input));
    Size2 out{(padded.h - span.h) / a.stride.h + 1, (padded.w - span.w) / a.stride.w + 1};
    std::int64_t count;
    if (__builtin_mul_overflow(input[0], weight[0], &count) ||
        __builtin_mul_overflow(count, out.h, &count) ||
        __builtin_mul_overflow(count, out.w, &count))
        throw ShapeError(std::string(op) + ": the output of " + to_string(input) + " padded by " +
                         spatial(a.padding, dims) + " has more elements than int64 counts");
    kernels::ConvShape s{};
    s.N = input[0], s.C = input[1], s.H = H, s.W = W, s.O = weight[0], s.KH = KH, s.KW = KW;
    s.OH = out.h, s.OW = out.w;
    s.SH = a.stride.h, s.SW = a.stride.w, s.PH = a.padding.h, s.PW = a.padding.w;
    s.DH = a.dilation.h, s.DW = a.dilation.w, s.G = a.groups;
    return s;
}

Shape output_shape(const kernels::ConvShape& s) {
    return Shape{s.N, s.O, s.OH, s.OW};
}

void check_bias(const char* op, const Tensor& input, const Tensor& bias, const Shape& weight) {
    if (!bias.defined()) return;
    check_same_dtype(input, bias, op);
    if (bias.shape() != Shape{weight[0]})
        throw ShapeError(std::string(op) + ": bias " + to_string(bias.shape()) +
                         " does not fit weight " + to_string(weight) + " (expected [" +
                         std::to_string(weight[0]) + "])");
}

// For the backward primitives: grad must be conv2d's output for these shapes.
kernels::ConvShape backward_shape(const char* op, const Tensor& grad, const Shape& input,
                                  const Shape& weight, const ConvArgs& a) {
    kernels::ConvShape s = conv_shape(op, input, weight, a, 2);
    if (grad.shape() != output_shape(s))
        throw ShapeError(std::string(op) + ": grad " + to_string(grad.shape()) +
                         " is not conv2d's output " + to_string(output_shape(s)) + " for input " +
                         to_string(input) + " and weight " + to_string(weight));
    return s;
}

// The four convolution kernels as replay records: the shape is plain data, the buffers pointers.
enum class ConvKernel { forward, input_grad, weight_grad, bias_grad };

template <class T, ConvKernel kKernel>
struct ConvRecord {
    static constexpr const char* name = "conv2d";
    kernels::ConvShape s;
    const T *a, *b, *bias;  // forward: x, w, bias; input_grad: gy, w; weight_grad: x, gy; bias: g
    T* out;
    std::int64_t N, O, P;  // conv2d_bias_grad's sizes
    static void run(const ConvRecord& r) {
        if constexpr (kKernel == ConvKernel::forward)
            kernels::conv2d_forward<T>(r.s, r.a, r.b, r.bias, r.out);
        else if constexpr (kKernel == ConvKernel::input_grad)
            kernels::conv2d_input_grad<T>(r.s, r.a, r.b, r.out);
        else if constexpr (kKernel == ConvKernel::weight_grad)
            kernels::conv2d_weight_grad<T>(r.s, r.a, r.b, r.out);
        else
            kernels::conv2d_bias_grad<T>(r.N, r.O, r.P, r.a, r.out);
    }
};

template <ConvKernel kKernel, class T>
void run_conv(const ConvRecord<T, kKernel>& r) {
    ConvRecord<T, kKernel>::run(r);
    if (detail::capturing()) [[unlikely]]
        detail::capture_emit(r, {r.a, r.b, r.bias}, {r.out});  // null pointers are no buffers
}

Tensor conv2d_checked(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const ConvArgs& a, const kernels::ConvShape& s) {
    Tensor out = empty(output_shape(s), input.dtype());
    dispatch(input.dtype(), [&]<class T>() {
        run_conv<ConvKernel::forward, T>({s, input.data<T>(), weight.data<T>(),
                                          bias.defined() ? bias.data<T>() : nullptr, out.data<T>(),
                                          0, 0, 0});
    });
    if (!should_record(input, weight, bias)) return out;
    SmallVector<Tensor, 3> inputs{input, weight};
    if (bias.defined()) inputs.push_back(bias);
    return record(Op::conv2d, std::move(out), std::move(inputs),
                  [input, weight, a, with_bias = bias.defined()](const Tensor& g, const Tensor&) {
                      const auto [stride, padding, dilation, groups] = a;
                      Grads grads{input.requires_grad()
                                      ? conv2d_input_backward(g, weight, input.shape(), stride,
                                                              padding, dilation, groups)
                                      : Tensor(),
                                  weight.requires_grad()
                                      ? conv2d_weight_backward(input, g, weight.shape(), stride,
                                                               padding, dilation, groups)
                                      : Tensor()};
                      if (with_bias) grads.push_back(conv2d_bias_backward(g));
                      return grads;
                  });
}
}  // namespace

// y = conv(x, w) + b:  grad x = conv2d_input_backward(G, w),
// grad w = conv2d_weight_backward(x, G),  grad b = conv2d_bias_backward(G).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride,
              Size2 padding, Size2 dilation, std::int64_t groups) {
    check_same_dtype(input, weight, "conv2d");
    ConvArgs a{stride, padding, dilation, groups};
    kernels::ConvShape s = conv_shape("conv2d", input.shape(), weight.shape(), a, 2);
    check_bias("conv2d", input, bias, weight.shape());
    return conv2d_checked(input, weight, bias, a, s);
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::int64_t stride,
              std::int64_t padding, std::int64_t dilation, std::int64_t groups) {
    check_same_dtype(input, weight, "conv1d");
    ConvArgs a{{1, stride}, {0, padding}, {1, dilation}, groups};
    conv_shape("conv1d", input.shape(), weight.shape(), a, 1);
    check_bias("conv1d", input, bias, weight.shape());
    Tensor out = conv2d(unsqueeze(input, 2), unsqueeze(weight, 2), bias, a.stride, a.padding,
                        a.dilation, groups);
    return squeeze(out, 2);
}

// z = Aᵀ g, where conv2d(x, w) = A x with A linear in w:
// grad g = A gz = conv2d(gz, w),  grad w = conv2d_weight_backward(gz, g).
Tensor conv2d_input_backward(const Tensor& grad, const Tensor& weight, const Shape& input_shape,
                             Size2 stride, Size2 padding, Size2 dilation, std::int64_t groups) {
    const char* op = "conv2d_input_backward";
    check_same_dtype(grad, weight, op);
    ConvArgs a{stride, padding, dilation, groups};
    kernels::ConvShape s = backward_shape(op, grad, input_shape, weight.shape(), a);
    Tensor out = empty(input_shape, grad.dtype());
    dispatch(grad.dtype(), [&]<class T>() {
        run_conv<ConvKernel::input_grad, T>(
            {s, grad.data<T>(), weight.data<T>(), nullptr, out.data<T>(), 0, 0, 0});
    });
    if (!should_record(grad, weight)) return out;
    return record(Op::conv2d_input_backward, std::move(out), {grad, weight},
                  [grad, weight, a](const Tensor& gz, const Tensor&) {
                      return Grads{grad.requires_grad() ? conv2d(gz, weight, {}, a.stride,
                                                                 a.padding, a.dilation, a.groups)
                                                        : Tensor(),
                                   weight.requires_grad()
                                       ? conv2d_weight_backward(gz, grad, weight.shape(), a.stride,
                                                                a.padding, a.dilation, a.groups)
                                       : Tensor()};
                  });
}

// z = ∂<g, conv2d(x, w)>/∂w, bilinear in x and g:
// grad x = conv2d_input_backward(g, gz),  grad g = conv2d(x, gz).
Tensor conv2d_weight_backward(const Tensor& input, const Tensor& grad, const Shape& weight_shape,
                              Size2 stride, Size2 padding, Size2 dilation, std::int64_t groups) {
    const char* op = "conv2d_weight_backward";
    check_same_dtype(input, grad, op);
    ConvArgs a{stride, padding, dilation, groups};
    kernels::ConvShape s = backward_shape(op, grad, input.shape(), weight_shape, a);
    Tensor out = empty(weight_shape, grad.dtype());
    dispatch(grad.dtype(), [&]<class T>() {
        run_conv<ConvKernel::weight_grad, T>(
            {s, input.data<T>(), grad.data<T>(), nullptr, out.data<T>(), 0, 0, 0});
    });
    if (!should_record(input, grad)) return out;
    return record(Op::conv2d_weight_backward, std::move(out), {input, grad},
                  [input, grad, a](const Tensor& gz, const Tensor&) {
                      return Grads{input.requires_grad()
                                       ? conv2d_input_backward(grad, gz, input.shape(), a.stride,
                                                               a.padding, a.dilation, a.groups)
                                       : Tensor(),
                                   grad.requires_grad() ? conv2d(input, gz, {}, a.stride, a.padding,
                                                                 a.dilation, a.groups)
                                                        : Tensor()};
                  });
}

// z[o] = Σ g[n, o, ...]: grad g = gz broadcast back over every other dim.
Tensor conv2d_bias_backward(const Tensor& grad) {
    check_floating(grad, "conv2d_bias_backward");
    if (grad.dim() < 2)
        throw ShapeError("conv2d_bias_backward: expected grad [N, O, ...], got " +
                         to_string(grad.shape()));
    const Shape& shape = grad.shape();
    std::int64_t N = shape[0], O = shape[1], P = O == 0 || N == 0 ? 0 : grad.numel() / (N * O);
    Tensor out = empty(Shape{O}, grad.dtype());
    dispatch(grad.dtype(), [&]<class T>() {
        run_conv<ConvKernel::bias_grad, T>(
            {{}, grad.data<T>(), nullptr, nullptr, out.data<T>(), N, O, P});
    });
    if (!should_record(grad)) return out;
    return record(Op::conv2d_bias_backward, std::move(out), {grad},
                  [shape](const Tensor& gz, const Tensor&) {
                      Shape column{1, shape[1]};
                      for (int d = 2; d < shape.rank(); ++d) column.push_back(1);
                      return Grads{expand(view(gz, column), shape)};
                  });
}

}  // namespace potatolemon
