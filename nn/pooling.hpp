// Pooling layers: MaxPool2d and AvgPool2d over autograd's max_pool2d and avg_pool2d, with
// torch.nn's arguments (stride defaults to the kernel size). No parameters.
#pragma once
#include <string>

#include "autograd/size2.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

class MaxPool2d : public Module {
public:
    MaxPool2d(Size2 kernel_size, OptionalSize2 stride = {}, Size2 padding = 0, Size2 dilation = 1)
        : kernel_(kernel_size),
          stride_(stride.value.value_or(kernel_size)),
          padding_(padding),
          dilation_(dilation) {}
    // MaxPool2d({kh, kw}) is a kH × kW kernel, as LibTorch's MaxPool2dOptions({kh, kw}). Without
    // this overload the braces could also build a MaxPool2d(kh, kw) to copy: an ambiguous call.
    MaxPool2d(const std::int64_t (&kernel_size)[2], OptionalSize2 stride = {}, Size2 padding = 0,
              Size2 dilation = 1)
        : MaxPool2d(Size2(kernel_size[0], kernel_size[1]), stride, padding, dilation) {}
    // x [N, C, H, W] or [C, H, W] → the window maxima; max_pool2d's ShapeError for bad
    // arguments or inputs (checked at forward, as torch does).
    Tensor forward(const Tensor& x) override;
    // "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)"
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<MaxPool2d>(*this); }
    // forward(relu(x)), bitwise (values, gradients and errors), through the fused
    // relu_max_pool2d when that is one primitive: disjoint 2×2 windows on a floating [N, C, H, W]
    // or [C, H, W] input with H, W >= 2. Sequential runs a ReLU followed by a MaxPool2d so.
    Tensor forward_after_relu(const Tensor& x);

private:
    Size2 kernel_, stride_, padding_, dilation_;
};

class AvgPool2d : public Module {
public:
    AvgPool2d(Size2 kernel_size, OptionalSize2 stride = {}, Size2 padding = 0,
              bool count_include_pad = true)
        : kernel_(kernel_size),
          stride_(stride.value.value_or(kernel_size)),
          padding_(padding),
          count_include_pad_(count_include_pad) {}
    // AvgPool2d({kh, kw}) is a kH × kW kernel, as MaxPool2d's overload.
    AvgPool2d(const std::int64_t (&kernel_size)[2], OptionalSize2 stride = {}, Size2 padding = 0,
              bool count_include_pad = true)
        : AvgPool2d(Size2(kernel_size[0], kernel_size[1]), stride, padding, count_include_pad) {}
    // x [N, C, H, W] or [C, H, W] → the window means, the padding counted in the divisor when
    // count_include_pad; avg_pool2d's ShapeError for bad arguments or inputs.
    Tensor forward(const Tensor& x) override;
    // "AvgPool2d(kernel_size=2, stride=2, padding=0)", plus count_include_pad=false when set.
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<AvgPool2d>(*this); }

private:
    Size2 kernel_, stride_, padding_;
    bool count_include_pad_;
};

}  // namespace potatolemon::nn
