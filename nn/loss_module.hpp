// The loss functions of loss.hpp as objects holding their reduction, named as PyTorch's
// (MSELoss, BCELoss, ...): `BCELoss criterion; Tensor loss = criterion(output, target);`.
#pragma once
#include "nn/loss.hpp"

namespace potatolemon::nn {

// A loss that applies `Fn` with the reduction given at construction; see loss.hpp for the
// shapes each accepts and what it throws.
template <Tensor (*Fn)(const Tensor&, const Tensor&, Reduction)>
class LossModule {
public:
    explicit LossModule(Reduction reduction = Reduction::mean) : reduction_(reduction) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return Fn(input, target, reduction_);
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const {
        return Fn(input, target, reduction_);
    }
    Reduction reduction() const { return reduction_; }

private:
    Reduction reduction_;
};

using MSELoss = LossModule<mse_loss>;
using L1Loss = LossModule<l1_loss>;
using BCELoss = LossModule<binary_cross_entropy>;
using BCEWithLogitsLoss = LossModule<binary_cross_entropy_with_logits>;
using CrossEntropyLoss = LossModule<cross_entropy>;
using NLLLoss = LossModule<nll_loss>;

}  // namespace potatolemon::nn
