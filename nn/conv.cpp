#include "nn/conv.hpp"

#include <cmath>

#include "autograd/factories.hpp"
#include "autograd/ops_conv.hpp"
#include "nn/init.hpp"

namespace potatolemon::nn {

namespace {
void check_arguments(std::int64_t in, std::int64_t out, Size2 kernel, const Conv2dOptions& o) {
    auto fail = [](const std::string& what) { throw ShapeError("Conv2d: " + what); };
    if (in < 0 || out < 0)
        fail("in_channels " + std::to_string(in) + " and out_channels " + std::to_string(out) +
             " must be >= 0");
    if (kernel.h < 1 || kernel.w < 1) fail("kernel_size " + to_string(kernel) + " must be >= 1");
    if (o.stride.h < 1 || o.stride.w < 1) fail("stride " + to_string(o.stride) + " must be >= 1");
    if (o.padding.h < 0 || o.padding.w < 0)
        fail("padding " + to_string(o.padding) + " must be >= 0");
    if (o.dilation.h < 1 || o.dilation.w < 1)
        fail("dilation " + to_string(o.dilation) + " must be >= 1");
    if (o.groups < 1 || in % o.groups != 0 || out % o.groups != 0)
        fail("groups " + std::to_string(o.groups) + " must be >= 1 and divide in_channels " +
             std::to_string(in) + " and out_channels " + std::to_string(out));
}
}  // namespace

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size,
               Conv2dOptions options, Generator& gen)
    : in_(in_channels), out_(out_channels), kernel_(kernel_size), options_(options) {
    check_arguments(in_, out_, kernel_, options_);
    // kaiming_uniform_(a = sqrt(5)) as torch.nn.Conv2d: the bound works out to 1/sqrt(fan_in).
    Tensor weight = zeros(Shape{out_, in_ / options_.groups, kernel_.h, kernel_.w});
    const std::int64_t fan_in = in_ / options_.groups * kernel_.h * kernel_.w;
    if (weight.numel() > 0)
        init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::fan_in,
                               init::Nonlinearity::leaky_relu, gen);
    register_parameter("weight", weight);
    if (!options_.bias) return;
    Tensor b = zeros(Shape{out_});
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    register_parameter("bias", init::uniform_(b, -bound, bound, gen));
}

const Tensor& Conv2d::bias() const {
    static const Tensor none;
    return options_.bias ? parameter(1) : none;
}

Tensor Conv2d::forward(const Tensor& x) {
    return conv2d(x, weight(), bias(), options_.stride, options_.padding, options_.dilation,
                  options_.groups);
}

std::string Conv2d::describe() const {
    // torch's extra_repr: padding, dilation and groups only when not their defaults.
    std::string out = "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) +
                      ", kernel_size=" + to_string(kernel_) +
                      ", stride=" + to_string(options_.stride);
    if (options_.padding != Size2(0)) out += ", padding=" + to_string(options_.padding);
    if (options_.dilation != Size2(1)) out += ", dilation=" + to_string(options_.dilation);
    if (options_.groups != 1) out += ", groups=" + std::to_string(options_.groups);
    if (!options_.bias) out += ", bias=false";
    return out + ")";
}

}  // namespace potatolemon::nn
