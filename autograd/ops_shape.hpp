// Shape ops: reshape (a view sharing data), permute/transpose (a copy, since storage is
// contiguous), expand (broadcasting copy), pad (constant padding or cropping), and the composites
// flatten, squeeze, unsqueeze, broadcast_to. They take any dtype (masks and index tensors too, as
// PyTorch); only floating inputs can require grad, so only they reach the tape. A rank-0 tensor
// takes dim 0 or -1, as PyTorch's. Bad dims throw IndexError; impossible shapes throw ShapeError.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

// x with another shape of the same element count, sharing its data; one dim may be -1 (inferred).
Tensor reshape(const Tensor& x, const std::vector<std::int64_t>& shape);
// As reshape with every dim given: the primitive the tape records.
Tensor view(const Tensor& x, const Shape& shape);
// Dims start_dim..end_dim merged into one.
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1);
Tensor squeeze(const Tensor& x);                    // drops every size-1 dim
Tensor squeeze(const Tensor& x, std::int64_t dim);  // drops `dim` if it has size 1
Tensor unsqueeze(const Tensor& x, std::int64_t dim);

// out.shape[i] = x.shape[dims[i]]; dims must be a permutation of 0..rank-1.
Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims);
Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1);
// Transpose of the last two dims (rank >= 2), like PyTorch's mT.
Tensor mT(const Tensor& x);

// Broadcasts x to `shape` (numpy rules: size-1 dims stretch, leading dims are added).
Tensor expand(const Tensor& x, const Shape& shape);
inline Tensor broadcast_to(const Tensor& x, const Shape& shape) {
    return expand(x, shape);
}

// x with `value` added around it, as torch::nn::functional::pad in constant mode: pads holds
// (before, after) pairs for the last dim first, then the dim before it, and so on (at most
// 2 * rank entries; dims not named are left alone). A negative pad crops. `value` is converted to
// x's dtype as PyTorch does (toward zero for int64, `!= 0` for bool). Throws ShapeError for an odd
// number of pads, more pairs than dims, crops larger than their dim, or, as PyTorch, a named dim
// left empty while some pad is positive; DtypeError for an int64 x and a value outside
// [-2^63, 2^63] (NaN too), as PyTorch.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, double value = 0);

}  // namespace potatolemon
