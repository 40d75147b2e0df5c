// Stochastic gradient descent with PyTorch's update rule (torch.optim.SGD), per element:
//   d = grad + weight_decay * p
//   buf = d on the first step (no dampening), else buf = momentum * buf + (1 - dampening) * d
//   d = nesterov ? d + momentum * buf : buf          (when momentum != 0)
//   p = p - lr * d
#pragma once
#include <vector>

#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

struct SGDOptions {
    double lr = 0.01;  // the initial rate; Optimizer::set_lr changes it later
    double momentum = 0;
    double dampening = 0;
    bool nesterov = false;  // needs momentum > 0 and dampening 0, as in PyTorch
    double weight_decay = 0;
};

class SGD : public Optimizer {
public:
    // Throws std::invalid_argument for negative lr, momentum or weight_decay, or nesterov without
    // momentum or with dampening; and as Optimizer for bad parameters.
    SGD(std::vector<Tensor> params, SGDOptions options);
    void step() override;
    bool capturable() const override { return true; }

private:
    io::Json::Object hyperparameters() const override;
    SGDOptions options_;
    std::vector<Tensor> momentum_buffer_;  // one per parameter, undefined until its first step
};

}  // namespace potatolemon::nn
