// Loss functions, built from autograd ops only (no hand-written backward), with PyTorch's
// definitions and reductions. Elementwise losses take input and target of the same shape; the
// classification losses take [N, C] scores and N int64 class indices. Each checks its arguments
// first and throws ShapeError, DtypeError, IndexError or std::domain_error naming itself.
// The modules wrapping these live in loss_module.hpp.
#pragma once
#include "autograd/ops_loss.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon::nn {

// none: the per-element (per-sample) losses; mean: their average; sum: their total.
using potatolemon::Reduction;

// (input - target)^2
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
// |input - target|, with gradient 0 where they are equal (abs'(0) = 0)
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

// -(y log p + (1 - y) log(1 - p)) on probabilities p in [0, 1] (std::domain_error otherwise),
// each log clamped at -100 as PyTorch does, so p = 0 and p = 1 give finite losses; the gradient
// is PyTorch's (p - y) / max(p (1 - p), 1e-12), finite everywhere (autograd's primitive).
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            Reduction reduction = Reduction::mean);
// The same on logits x with p = sigmoid(x), as (1 - y) x + softplus(-x): finite for any logits.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction = Reduction::mean);

// -log_softmax(logits)[n, target[n]] for logits [N, C] and int64 target [N] in [0, C);
// none gives [N].
Tensor cross_entropy(const Tensor& logits, const Tensor& target,
                     Reduction reduction = Reduction::mean);
// -log_probs[n, target[n]] for log-probabilities [N, C] (as from log_softmax) and int64 target [N].
Tensor nll_loss(const Tensor& log_probs, const Tensor& target,
                Reduction reduction = Reduction::mean);

const char* reduction_name(Reduction reduction);

}  // namespace potatolemon::nn
