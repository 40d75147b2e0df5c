// Indexing: slices, row selection by an int64 index tensor (mini-batches), gather/scatter_add along
// a dim (picking class scores), concat and stack. Each differentiable op's backward is its partner:
// slice ↔ slice_backward, index_select ↔ index_add, gather ↔ scatter_add; embedding is
// index_select of rows. Index tensors are int64; out-of-range entries throw IndexError naming the
// op, the entry and the shapes. The ops that only move elements (slice, index_select, gather,
// concat, stack) take data of any dtype, as PyTorch; index_add, scatter_add and embedding's weight
// are floating only. A rank-0 x takes dim 0 or -1 (index_select then one index, gather and the
// others indices of rank 0 or 1); slice and concat refuse it, as PyTorch.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

// Elements start, start+step, ... < end along dim (Python's rules: negative start/end count from
// the end, both are clamped to the size). step >= 1.
Tensor slice(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t end,
             std::int64_t step = 1);
// Zeros of `input_shape` with grad written at the slice positions (the transpose of slice).
Tensor slice_backward(const Tensor& grad, const Shape& input_shape, std::int64_t dim,
                      std::int64_t start, std::int64_t end, std::int64_t step = 1);

// out = entries of x at positions `index` (1-D int64) along dim.
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index);
// out = x with source's slices added at positions `index` along dim (repeats accumulate).
Tensor index_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& source);

// out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for any dim); index has x's rank and
// out has index's shape; index.size(d) <= x.size(d) for d != dim.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index);
// out = x, then out[i][index[i][j]] += src[i][j] for dim 1 (and likewise); index has src's shape.
Tensor scatter_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& src);

// Rows of weight [V, D] picked by `indices` (int64, any shape, entries in [0, V)): out has shape
// indices.shape + [D] (rank-0 indices give [D]). The gradient of a row sums over the entries that
// picked it. Throws IndexError naming the entry and V, ShapeError unless weight is 2-D, DtypeError
// unless indices is int64 and weight floating.
Tensor embedding(const Tensor& weight, const Tensor& indices);

// Joins tensors of equal shape except along dim. Mixed dtypes promote as torch.cat
// (promote_types: bool < int64 < float32 < float64).
Tensor concat(const std::vector<Tensor>& xs, std::int64_t dim);
// Joins tensors of equal shape along a new dim; dtypes promote as in concat.
Tensor stack(const std::vector<Tensor>& xs, std::int64_t dim);

}  // namespace potatolemon
