// RMSprop with PyTorch's update rule (torch.optim.RMSprop), per element:
//   g = grad + weight_decay * p
//   s = alpha * s + (1 - alpha) * g^2;   centered: a = alpha * a + (1 - alpha) * g, s' = s - a^2
//   denom = sqrt(s or s') + eps
//   momentum > 0: buf = momentum * buf + g / denom, p = p - lr * buf;  else p = p - lr * g / denom
#pragma once
#include <cstdint>
#include <vector>

#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

struct RMSpropOptions {
    double lr = 1e-2;  // the initial rate; Optimizer::set_lr changes it later
    double alpha = 0.99;
    double eps = 1e-8;
    double weight_decay = 0;
    double momentum = 0;
    bool centered = false;  // normalise by the gradient's estimated variance, not its second moment
};

class RMSprop : public Optimizer {
public:
    // Throws std::invalid_argument unless 0 <= alpha <= 1 and eps, weight_decay, momentum >= 0;
    // and as Optimizer for bad parameters.
    RMSprop(std::vector<Tensor> params, RMSpropOptions options);
    void step() override;
    bool capturable() const override { return true; }

private:
    io::Json::Object hyperparameters() const override;

    RMSpropOptions options_;
    // Per parameter, allocated at its first step: square_avg_ always, momentum_buffer_ with
    // momentum, grad_avg_ when centered; step_ counts its steps (state only, as PyTorch's).
    std::vector<Tensor> square_avg_, momentum_buffer_, grad_avg_;
    std::vector<std::int64_t> step_;
};

}  // namespace potatolemon::nn
