// General matrix multiply for float and double: C (+)= op(A)·op(B), all row-major, each operand
// optionally transposed. Cache-blocked and packed, with a register-tiled micro-kernel chosen for
// the CPU at start-up (gemm_isa.hpp); no BLAS. Threads split the output, never K, so the result is
// bitwise the same whatever num_threads() is.
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// C[M×N] = op(A)[M×K] · op(B)[K×N], or C += that product when `accumulate`. op(X) is X, or Xᵀ when
// its trans flag is set; lda, ldb, ldc are the row strides of A, B, C as stored (A is stored M×K,
// or K×M when trans_a). K = 0 zeroes C (or leaves it when accumulating). C must not overlap A or B.
// Throws ShapeError for a negative size or a row stride shorter than its stored row.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
          const T* A, int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc,
          bool accumulate = false);

}  // namespace potatolemon::kernels
