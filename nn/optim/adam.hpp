// Adam with PyTorch's update rule (torch.optim.Adam, amsgrad off), per element at step t:
//   g = grad + weight_decay * p
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
#pragma once
#include <cstdint>
#include <vector>

#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

struct AdamOptions {
    double lr = 1e-3;  // the initial rate; Optimizer::set_lr changes it later
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0;
};

class Adam : public Optimizer {
public:
    // Throws std::invalid_argument unless 0 <= beta1, beta2 < 1, eps >= 0, weight_decay >= 0;
    // and as Optimizer for bad parameters.
    Adam(std::vector<Tensor> params, AdamOptions options);
    void step() override;

private:
    AdamOptions options_;
    // Per parameter: the moment estimates (allocated at its first step) and its step count t.
    std::vector<Tensor> exp_avg_, exp_avg_sq_;
    std::vector<std::int64_t> steps_;
};

}  // namespace potatolemon::nn
