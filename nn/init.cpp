// The init functions: draw with the autograd factories, then copy into the tensor's storage.
#include "nn/init.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "autograd/factories.hpp"

namespace potatolemon::nn::init {

namespace {
// Copies `values` (same shape and dtype) into t's storage, keeping t's identity and leaf status.
Tensor& assign(Tensor& t, const Tensor& values) {
    std::memcpy(t.impl()->data, values.impl()->data,
                static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype()));
    return t;
}

std::int64_t fan_of(const Tensor& t, FanMode mode, const char* caller) {
    Fans fans = calculate_fans(t, caller);
    return mode == FanMode::fan_in ? fans.fan_in : fans.fan_out;
}
}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double param) {
    switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::sigmoid: return 1.0;
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + param * param));
    case Nonlinearity::selu: return 0.75;
    }
    return 1.0;
}

Fans calculate_fans(const Tensor& t, const char* caller) {
    if (t.dim() < 2)
        throw ShapeError(std::string(caller) + ": fan in and fan out need a tensor of rank >= 2, "
                         "got " + to_string(t.shape()));
    std::int64_t receptive = 1;
    for (int d = 2; d < t.dim(); ++d) receptive *= t.shape()[d];
    return {t.shape()[1] * receptive, t.shape()[0] * receptive};
}

Tensor& uniform_(Tensor& t, double low, double high, Generator& gen) {
    check_floating(t, "uniform_");
    return assign(t, uniform(t.shape(), low, high, gen, t.dtype()));
}

Tensor& normal_(Tensor& t, double mean, double std, Generator& gen) {
    check_floating(t, "normal_");
    return assign(t, normal(t.shape(), mean, std, gen, t.dtype()));
}

Tensor& constant_(Tensor& t, double value) {
    check_floating(t, "constant_");
    return assign(t, full(t.shape(), value, t.dtype()));
}

Tensor& zeros_(Tensor& t) {
    check_floating(t, "zeros_");
    return constant_(t, 0.0);
}

Tensor& xavier_uniform_(Tensor& t, double gain, Generator& gen) {
    Fans fans = calculate_fans(t, "xavier_uniform_");
    double bound = gain * std::sqrt(6.0 / static_cast<double>(fans.fan_in + fans.fan_out));
    return uniform_(t, -bound, bound, gen);
}

Tensor& xavier_normal_(Tensor& t, double gain, Generator& gen) {
    Fans fans = calculate_fans(t, "xavier_normal_");
    double std = gain * std::sqrt(2.0 / static_cast<double>(fans.fan_in + fans.fan_out));
    return normal_(t, 0.0, std, gen);
}

Tensor& kaiming_uniform_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                         Generator& gen) {
    double fan = static_cast<double>(fan_of(t, mode, "kaiming_uniform_"));
    double std = calculate_gain(nonlinearity, a) / std::sqrt(fan);
    double bound = std::sqrt(3.0) * std;  // PyTorch's order of operations, for identical bounds
    return uniform_(t, -bound, bound, gen);
}

Tensor& kaiming_normal_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                        Generator& gen) {
    double fan = static_cast<double>(fan_of(t, mode, "kaiming_normal_"));
    return normal_(t, 0.0, calculate_gain(nonlinearity, a) / std::sqrt(fan), gen);
}

}  // namespace potatolemon::nn::init
