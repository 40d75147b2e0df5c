// Forward kernels for reductions. A reduction over one contiguous block of dims sees the input as
// (outer, n, inner) and produces (outer, inner); every op here reduces through that view.
#pragma once
#include <cstdint>

#include "autograd/tensor.hpp"

namespace potatolemon::detail {

struct BlockView {
    std::int64_t outer = 1, n = 1, inner = 1;
};
// The (outer, n, inner) view of `shape` reducing dims first..last (inclusive).
BlockView block_view(const Shape& shape, int first, int last);

// out[o, i] = scale * sum_k x[o, k, i]; accumulates in double for both dtypes.
Tensor sum_block(const Tensor& x, const BlockView& view, const Shape& out_shape, double scale = 1);

// Values and indices of the max (or min) along the block's n axis; ties keep the first index and
// the first NaN wins. Any dtype (argmax takes int64; ops refuse bool first).
void extreme_block(const Tensor& x, const BlockView& view, bool is_max, Tensor& values,
                   Tensor& indices);

// The variance along the block's n axis, sum((x - mean)^2) / max(0, n - correction) (NaN or inf
// past the end, as PyTorch), or its square root; two passes in double. Result shaped `out_shape`.
Tensor var_block(const Tensor& x, const BlockView& view, double correction, bool take_sqrt,
                 const Shape& out_shape);

// log(sum(exp(x))) along the block's n axis, shifted by the max so large inputs stay finite; an
// all -inf (or empty) run gives -inf. Result shaped `out_shape`.
Tensor logsumexp_block(const Tensor& x, const BlockView& view, const Shape& out_shape);

// softmax (log = false) or log_softmax (log = true) along the block's n axis.
Tensor softmax_block(const Tensor& x, const BlockView& view, bool log);

}  // namespace potatolemon::detail
