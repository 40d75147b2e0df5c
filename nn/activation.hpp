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
    std::shared_ptr<Module> clone() const override { return std::make_shared<Identity>(*this); }
};

class Tanh : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "Tanh()"; }
    std::shared_ptr<Module> clone() const override { return std::make_shared<Tanh>(*this); }
};

class Sigmoid : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "Sigmoid()"; }
    std::shared_ptr<Module> clone() const override { return std::make_shared<Sigmoid>(*this); }
};

class ReLU : public Module {
public:
    Tensor forward(const Tensor& x) override;  // relu'(0) = 0
    std::string describe() const override { return "ReLU()"; }
    std::shared_ptr<Module> clone() const override { return std::make_shared<ReLU>(*this); }
};

class LeakyReLU : public Module {
public:
    explicit LeakyReLU(double negative_slope = 0.01) : negative_slope_(negative_slope) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<LeakyReLU>(*this); }
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
    std::shared_ptr<Module> clone() const override { return std::make_shared<GELU>(*this); }

private:
    std::string approximate_;
};

// SiLU (swish): x sigmoid(x).
class SiLU : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string describe() const override { return "SiLU()"; }
    std::shared_ptr<Module> clone() const override { return std::make_shared<SiLU>(*this); }
};

// ELU: x for x > 0, alpha (exp(x) - 1) otherwise.
class ELU : public Module {
public:
    explicit ELU(double alpha = 1.0) : alpha_(alpha) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;  // "ELU(alpha=1)"
    std::shared_ptr<Module> clone() const override { return std::make_shared<ELU>(*this); }
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
    std::shared_ptr<Module> clone() const override { return std::make_shared<Softmax>(*this); }

private:
    std::int64_t dim_;
};

class LogSoftmax : public Module {
public:
    explicit LogSoftmax(std::int64_t dim) : dim_(dim) {}
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<LogSoftmax>(*this); }

private:
    std::int64_t dim_;
};

}  // namespace potatolemon::nn
