// Loss primitives that need their own kernel for numerics or speed. nn/ builds the loss functions
// (with reductions) on these and on the other ops.
#pragma once
#include "autograd/tensor.hpp"

namespace potatolemon {

// Elementwise binary cross-entropy of probabilities p against targets y of the same shape:
//   -(y log p + (1 - y) log(1 - p)), each log clamped below at -100 as PyTorch does, so p = 0 and
// p = 1 give finite values and gradients. One op instead of the ~14 a composite records, and no
// 0/0 in its gradient. Throws ShapeError when shapes differ, DtypeError on mixed dtypes.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& y);
// Its gradient with respect to p, as an op of its own (PyTorch's formula):
// grad (p - y) / max(p (1 - p), 1e-12). All three shapes must match.
Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& p, const Tensor& y);

}  // namespace potatolemon
