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
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda,
          const T* B, int64_t ldb, T* C, int64_t ldc, bool accumulate = false);

// Element (i, j) of a view is p[i * rs + j * cs]: op(A), op(B), C and their transposes alike.
template <class T>
struct View {
    T* p;
    int64_t rs, cs;
};

// One product as strided views: C (+)= op(A) op(B) with op(A) M×K and op(B) K×N.
template <class T>
struct Problem {
    int64_t M, N, K;
    View<const T> a, b;
    View<T> c;
    bool accumulate;
};

// gemm's arguments checked (throwing as gemm does) and laid out once, for a product run many times
// on the same buffers (a captured step's records): run() is gemm's work without the checks.
template <class T>
class GemmCall {
public:
    GemmCall(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda,
             const T* B, int64_t ldb, T* C, int64_t ldc, bool accumulate = false);
    void run() const;

private:
    Problem<T> p_;
};

}  // namespace potatolemon::kernels
