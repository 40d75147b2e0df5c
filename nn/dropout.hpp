// Dropout: during training zeroes each element with probability p and scales the rest by
// 1 / (1 - p), drawing from the generator it was given; in eval mode the identity. Follows the
// module tree's train()/eval() flag, as torch.nn.Dropout.
#pragma once
#include <string>

#include "autograd/generator.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

class Dropout : public Module {
public:
    // Keeps a reference to `gen`, which must outlive the module. Throws std::invalid_argument
    // unless 0 <= p <= 1.
    explicit Dropout(double p = 0.5, Generator& gen = default_generator());
    Tensor forward(const Tensor& x) override;  // any shape
    std::string describe() const override;     // "Dropout(p=0.5)"
    std::shared_ptr<Module> clone() const override { return std::make_shared<Dropout>(*this); }
    double p() const { return p_; }

private:
    double p_;
    Generator* gen_;
};

}  // namespace potatolemon::nn
