// conv2d, conv1d and conv2d's two backward primitives: argument checks, the kernels of
// kernels/conv.hpp, and the tape entries. Dimension letters as in kernels/conv.hpp.
#include "autograd/ops_conv.hpp"

#include <string>

#include "autograd/factories.hpp"
#include "autograd/kernels/conv.hpp"
#include "autograd/ops_reduce.hpp"
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
    if (weight.numel() == 0)
        throw ShapeError(std::string(op) + ": weight " + to_string(weight) +
                         " has a zero-size dim");
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

// a * b + c: the dilated kernel's or the padded input's extent. A huge dilation or padding would
// overflow int64 (undefined behaviour, then a wrapped size), so it throws ShapeError instead.
std::int64_t extent(const char* op, const char* name, Size2 arg, int dims, std::int64_t a,
                    std::int64_t b, std::int64_t c) {
    std::int64_t out;
    if (__builtin_mul_overflow(a, b, &out) || __builtin_add_overflow(out, c, &out))
        throw ShapeError(std::string(op) + ": " + name + " " + spatial(arg, dims) +
                         " is too large (the extent overflows int64)");
    return out;
}

// The geometry of `op` on these shapes (ranks dims + 2, spatial dims last), or a ShapeError.
kernels::ConvShape conv_shape(const char* op, const Shape& input, const Shape& weight,
                              const ConvArgs& a, int dims) {
    check_ranks(op, input, weight, dims);
    check_args(op, a, dims);
    std::int64_t channels = input[1], per_group = weight[1], outputs = weight[0];
    std::int64_t expected;  // a huge groups overflows the product: no channel count fits it
    bool overflow = __builtin_mul_overflow(per_group, a.groups, &expected);
    if (overflow || channels != expected)
        throw ShapeError(std::string(op) + ": input has " + std::to_string(channels) +
                         " channels, weight expects " +
                         (overflow ? std::to_string(per_group) + " x " : std::to_string(expected)) +
                         " (groups " + std::to_string(a.groups) + ")");
    if (outputs % a.groups != 0)
        throw ShapeError(std::string(op) + ": weight " + to_string(weight) + " has " +
                         std::to_string(outputs) + " output channels, not divisible by groups " +
                         std::to_string(a.groups));
    std::int64_t H = dims == 1 ? 1 : input[2], W = input[dims + 1];
    std::int64_t KH = dims == 1 ? 1 : weight[2], KW = weight[dims + 1];
    Size2 span{extent(op, "dilation", a.dilation, dims, a.dilation.h, KH - 1, 1),
               extent(op, "dilation", a.dilation, dims, a.dilation.w, KW - 1, 1)};
    Size2 padded{extent(op, "padding", a.padding, dims, a.padding.h, 2, H),
                 extent(op, "padding", a.padding, dims, a.padding.w, 2, W)};
    if (span.h > padded.h || span.w > padded.w)
        throw ShapeError(std::string(op) + ": kernel " + to_string(weight) + " with dilation " +
                         spatial(a.dilation, dims) + " spans " + spatial(span, dims) +
                         ", more than the padded input " + spatial(padded, dims) + " of " +
                         to_string(input));
    Size2 out{(padded.h - span.h) / a.stride.h + 1, (padded.w - span.w) / a.stride.w + 1};
    std::int64_t count;
    if (__builtin_mul_overflow(input[0], outputs, &count) ||
        __builtin_mul_overflow(count, out.h, &count) ||
        __builtin_mul_overflow(count, out.w, &count))
        throw ShapeError(std::string(op) + ": the output of " + to_string(input) + " padded by " +
                         spatial(a.padding, dims) + " has more elements than int64 counts");
    return {input[0],     channels, H,          W,          outputs,     KH,          KW,
            out.h,        out.w,    a.stride.h, a.stride.w, a.padding.h, a.padding.w, a.dilation.h,
            a.dilation.w, a.groups};
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

Tensor conv2d_checked(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const ConvArgs& a, const kernels::ConvShape& s) {
    Tensor out = empty(output_shape(s), input.dtype());
    dispatch(input.dtype(), [&]<class T>() {
        kernels::conv2d_forward<T>(s, input.data<T>(), weight.data<T>(),
                                   bias.defined() ? bias.data<T>() : nullptr, out.data<T>());
    });
    if (!should_record(input, weight, bias)) return out;
    SmallVector<Tensor, 3> inputs{input, weight};
    if (bias.defined()) inputs.push_back(bias);
    return record(Op::conv2d, out, std::move(inputs),
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
                      if (with_bias) grads.push_back(sum(g, {0, 2, 3}));
                      return grads;
                  });
}
}  // namespace

// y = conv(x, w) + b:  grad x = conv2d_input_backward(G, w),  grad w = conv2d_weight_backward(x,
// G), grad b = G summed over N, OH, OW.
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
        kernels::conv2d_input_grad<T>(s, grad.data<T>(), weight.data<T>(), out.data<T>());
    });
    if (!should_record(grad, weight)) return out;
    return record(Op::conv2d_input_backward, out, {grad, weight},
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
        kernels::conv2d_weight_grad<T>(s, input.data<T>(), grad.data<T>(), out.data<T>());
    });
    if (!should_record(input, grad)) return out;
    return record(Op::conv2d_weight_backward, out, {input, grad},
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

}  // namespace potatolemon
