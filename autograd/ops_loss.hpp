// Loss primitives that need their own kernel for numerics or speed. nn/ builds the loss functions
// (with reductions) on these and on the other ops.
#pragma once
#include "autograd/tensor.hpp"

namespace potatolemon {

// How a loss combines its per-element values (PyTorch's `reduction`): none keeps them, mean
// averages them (NaN over no elements, as PyTorch), sum adds them. Reductions sum in double.
enum class Reduction { none, mean, sum };

// Binary cross-entropy of probabilities p against targets y of the same shape:
//   -(y log p + (1 - y) log(1 - p)), each log clamped below at -100 as PyTorch does, so p = 0 and
// p = 1 give finite values and gradients; elementwise by default, or reduced to a scalar in the
// same op (one tape entry and one buffer, as PyTorch's). One op instead of the ~14 a composite
// records, and no 0/0 in its gradient. Throws ShapeError when shapes differ, DtypeError on mixed
// dtypes.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& y,
                            Reduction reduction = Reduction::none);
// Its gradient with respect to p, as an op of its own (PyTorch's formula):
// grad (p - y) / max(p (1 - p), 1e-12), where grad has p's shape for Reduction::none and is a
// scalar (rank 0) for mean (then also divided by p.numel()) and sum. p and y shapes must match.
Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& p, const Tensor& y,
                                     Reduction reduction = Reduction::none);

}  // namespace potatolemon
