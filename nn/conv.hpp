// Conv2d: the 2-D convolution layer over autograd's conv2d, with torch.nn.Conv2d's arguments,
// parameter names and default initialisation (weight then bias, each uniform on ±1/sqrt(fan_in),
// fan_in = in_channels / groups * kH * kW), so runs are comparable with PyTorch's.
#pragma once
#include <cstdint>
#include <string>

#include "autograd/generator.hpp"
#include "autograd/size2.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

struct Conv2dOptions {
    Size2 stride = 1;
    Size2 padding = 0;
    Size2 dilation = 1;
    std::int64_t groups = 1;
    bool bias = true;
};

class Conv2d : public Module {
public:
    // weight [out_channels, in_channels / groups, kH, kW] ("weight"), bias [out_channels] ("bias",
    // absent when options.bias is false), float32. Throws ShapeError for negative channels, a
    // kernel, stride or dilation below 1, negative padding, groups below 1 or not dividing both
    // channel counts.
    Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size,
           Conv2dOptions options = {}, Generator& gen = default_generator());
    Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size, Generator& gen)
        : Conv2d(in_channels, out_channels, kernel_size, {}, gen) {}

    // x [N, in_channels, H, W] → [N, out_channels, H', W'] with H' = (H + 2 pH - dH (kH - 1) - 1)
    // / sH + 1 (W' likewise); conv2d's ShapeError for other inputs.
    Tensor forward(const Tensor& x) override;
    // "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", as torch prints it.
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<Conv2d>(*this); }

    const Tensor& weight() const { return parameter(0); }
    const Tensor& bias() const;  // undefined when the layer has no bias
    std::int64_t in_channels() const { return in_; }
    std::int64_t out_channels() const { return out_; }
    Size2 kernel_size() const { return kernel_; }
    const Conv2dOptions& options() const { return options_; }

private:
    std::int64_t in_, out_;
    Size2 kernel_;
    Conv2dOptions options_;
};

}  // namespace potatolemon::nn
