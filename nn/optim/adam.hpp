// Adam and AdamW with PyTorch's update rules (torch.optim.Adam, torch.optim.AdamW), per element at
// step t:
//   Adam: g = grad + weight_decay * p;        AdamW: p = p * (1 - lr * weight_decay), g = grad
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   amsgrad: v_max = max(v_max, v), which then stands for v below
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
    double weight_decay = 0;  // L2 penalty added to the gradient
    bool amsgrad = false;     // normalise by the largest second moment seen so far
};

struct AdamWOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;  // decoupled: shrinks the parameter before the Adam update
    bool amsgrad = false;
};

class Adam : public Optimizer {
public:
    // Throws std::invalid_argument unless 0 <= beta1, beta2 < 1, eps >= 0, weight_decay >= 0;
    // and as Optimizer for bad parameters.
    Adam(std::vector<Tensor> params, AdamOptions options);
    void step() override;
    bool capturable() const override { return true; }

protected:
    // AdamW's constructor: weight decay decoupled from the gradient; messages start with `name`.
    Adam(std::vector<Tensor> params, AdamOptions options, bool decoupled_weight_decay,
         const char* name);

private:
    io::Json::Object hyperparameters() const override;

    AdamOptions options_;
    bool decoupled_weight_decay_;
    // Per parameter: the moment estimates (allocated at its first step, max_exp_avg_sq_ only with
    // amsgrad) and its step count t.
    std::vector<Tensor> exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
    std::vector<std::int64_t> step_;
};

// Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW.
class AdamW : public Adam {
public:
    // Throws as Adam, naming AdamW.
    AdamW(std::vector<Tensor> params, AdamWOptions options);
};

}  // namespace potatolemon::nn
