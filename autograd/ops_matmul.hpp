// matmul with numpy's rules, and linear (x Wᵀ + b) as nn uses it.
//   1-D · 1-D → scalar; 2-D · 2-D → [M, N]; 1-D operands are promoted to a row (left) or a column
//   (right) and that dim is dropped from the result; operands of rank >= 3 are batches of matrices
//   whose leading dims broadcast: [B, M, K] · [K, N] → [B, M, N].
// Throws ShapeError when inner dims differ or batch dims do not broadcast.
#pragma once
#include "autograd/tensor.hpp"

namespace potatolemon {

Tensor matmul(const Tensor& a, const Tensor& b);

// op(a) · op(b) with op the identity or the transpose of the last two dims; both operands have
// rank >= 2. The primitive behind matmul; its backward uses it again with other flags, so the
// transposes never materialise.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);

// x Wᵀ + bias for x [..., in], weight [out, in], bias [out] (optional: pass an undefined Tensor).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

}  // namespace potatolemon
