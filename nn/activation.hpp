// Activation modules: parameter-free wrappers over the autograd ops, so they can sit in a
// Sequential. Each forward is one op; shapes pass through unchanged.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "nn/module.hpp"

namespace potatolemon::nn {

class Identity : public Module {
public:
    Tensor forward(const Tensor& x) override { return x; }
    std::string describe() const override { return "Identity()"; }
};

class Tanh : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "Tanh()"; }
};

class Sigmoid : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "Sigmoid()"; }
};

class ReLU : public Module {
public:
    Tensor forward(const Tensor& x) override;  // relu'(0) = 0
    std::string describe() const override { return "ReLU()"; }
};

class LeakyReLU : public Module {
public:
    explicit LeakyReLU(double negative_slope = 0.01) : negative_slope_(negative_slope) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    double negative_slope() const { return negative_slope_; }

private:
    double negative_slope_;
};

// GELU: x Φ(x), Φ the standard normal CDF; approximate "tanh" uses torch's tanh formula.
// Throws std::invalid_argument for any other `approximate` than "none" or "tanh".
class GELU : public Module {
public:
    explicit GELU(std::string approximate = "none");
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;  // "GELU(approximate='none')"

private:
    std::string approximate_;
};

// SiLU (swish): x sigmoid(x).
class SiLU : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "SiLU()"; }
};

// ELU: x for x > 0, alpha (exp(x) - 1) otherwise.
class ELU : public Module {
public:
    explicit ELU(double alpha = 1.0) : alpha_(alpha) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;  // "ELU(alpha=1)"
    double alpha() const { return alpha_; }

private:
    double alpha_;
};

// Softmax and LogSoftmax along `dim` (negative counts from the end; IndexError when out of range).
class Softmax : public Module {
public:
    explicit Softmax(std::int64_t dim) : dim_(dim) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;

private:
    std::int64_t dim_;
};

class LogSoftmax : public Module {
public:
    explicit LogSoftmax(std::int64_t dim) : dim_(dim) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;

private:
    std::int64_t dim_;
};

}  // namespace potatolemon::nn
