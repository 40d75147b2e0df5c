// Parameter initialisation, in place, with PyTorch's formulas and gain conventions
// (torch.nn.init): uniform, normal, xavier (Glorot) and kaiming (He) in both flavours, zeros,
// constant. Random ones draw from a Generator, so a seed fixes a model's starting point.
// Fans follow PyTorch: for a weight [out, in, k...] fan_in = in * k..., fan_out = out * k....
#pragma once
#include <cstdint>

#include "autograd/generator.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon::nn::init {

enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu, selu };
enum class FanMode { fan_in, fan_out };

// The recommended gain for a nonlinearity: 1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for
// relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope = `param`), 3/4 for selu.
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);

struct Fans {
    std::int64_t fan_in;
    std::int64_t fan_out;
};
// Throws ShapeError for tensors of rank < 2 (the fans are not defined), naming `caller`.
Fans calculate_fans(const Tensor& t, const char* caller = "calculate_fans");

// Each writes t's data in place (no tape entry) and returns t. Floating tensors only (DtypeError).
Tensor& uniform_(Tensor& t, double low = 0, double high = 1, Generator& gen = default_generator());
Tensor& normal_(Tensor& t, double mean = 0, double std = 1, Generator& gen = default_generator());
Tensor& constant_(Tensor& t, double value);
Tensor& zeros_(Tensor& t);

// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& t, double gain = 1, Generator& gen = default_generator());
// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& t, double gain = 1, Generator& gen = default_generator());

// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a). PyTorch's
// Linear default is kaiming_uniform_ with a = sqrt(5), i.e. b = 1 / sqrt(fan_in).
Tensor& kaiming_uniform_(Tensor& t, double a = 0, FanMode mode = FanMode::fan_in,
                         Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                         Generator& gen = default_generator());
// N(0, std^2) with std = gain / sqrt(fan).
Tensor& kaiming_normal_(Tensor& t, double a = 0, FanMode mode = FanMode::fan_in,
                        Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                        Generator& gen = default_generator());

}  // namespace potatolemon::nn::init
