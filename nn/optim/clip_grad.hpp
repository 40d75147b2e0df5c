// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (1.13): both rewrite
// the parameters' .grad without recording and skip parameters that have no gradient. A gradient
// is written in place when only its parameter refers to it; one that other handles share (backward
// may give one tensor to several parameters) is replaced by a clipped copy instead.
#pragma once
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon::nn {

// The p-norm of all gradients taken as one vector (norm_type p > 0, or infinity for the largest
// |g|), returned; when max_norm / (total + 1e-6) < 1 every gradient is scaled by it (a NaN or
// infinite total scales by NaN or 0, as torch). 0 when no parameter has a gradient.
// Throws GraphError for an undefined parameter and std::invalid_argument unless max_norm >= 0 and
// norm_type > 0.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2);

// Clamps every gradient element into [-clip_value, clip_value] (NaN stays NaN).
// Throws GraphError for an undefined parameter and std::invalid_argument unless clip_value >= 0.
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace potatolemon::nn
