// Activation modules: parameter-free wrappers over the autograd ops, so they can sit in a
// Sequential. Each forward is one op; shapes pass through unchanged.
#pragma once
#include <cstdint>
#include <string>

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
