// Internal to gemm: the block kernels, one per instruction set, that multiply a packed panel of B
// by a block of A into C, MR×NR output tile at a time; their packing routines; the lookup of the
// one to use.
#pragma once
#include <cstdint>

#include "autograd/kernels/gemm_isa.hpp"

namespace potatolemon::kernels {

// One call's work: C[m×n] (+)= A[m×kc] · B[kc×n], with
//   A(i, k) = a[(i / MR) * a_sliver + (i % MR) * rs_a + k * cs_a]   (packed: rs_a = 1, cs_a = MR,
//             a_sliver = MR * kc; unpacked rows need m to be a multiple of MR),
//   B(k, j) = b[(j / NR) * kc * NR + k * NR + j % NR]               (always packed, zero-padded),
//   C(i, j) = c[i * rs_c + j * cs_c].
// overwrite: C = product (the first K block of a non-accumulating gemm), else C += product.
template <class T>
struct GemmBlock {
    int64_t m, n, kc;
    const T* a;
    int64_t rs_a, cs_a, a_sliver;
    const T* b;
    T* c;
    int64_t rs_c, cs_c;
    bool overwrite;
};

// One row of C, read and written in place: c[j·cs_c] (+)= Σ_k a[k·cs_a] · b[k·rs_b + j·cs_b] for
// j < n, k < kc, each element by the same fused multiply-adds in the same order as in GemmBlock.
template <class T>
struct GemmRow {
    int64_t n, kc;
    const T* a;
    int64_t cs_a;
    const T* b;
    int64_t rs_b, cs_b;
    T* c;
    int64_t cs_c;
    bool overwrite;
};

// dst[p][k][x] = src[(p·width + x)·stride_x + k·stride_k] for k < kc and the `rows` rows x, in
// panels of `width` rows (the last zero-padded to width): A slivers (width MR, x = row of op(A))
// and B panels (width NR, x = column of op(B)). dst holds ceil(rows / width)·width·kc elements.
template <class T>
using PackFn = void (*)(const T* src, int64_t stride_x, int64_t stride_k, int64_t rows, int64_t kc,
                        int64_t width, T* dst);

// One instruction set's kernel and the packing routine compiled for the same instruction set.
template <class T>
struct BlockKernel {
    void (*run)(const GemmBlock<T>& block);
    void (*run_row)(const GemmRow<T>& row);
    PackFn<T> pack;
    int64_t mr, nr;  // register tile: MR rows of A by NR columns of B
};

// The kernel for `isa`; gemm_isa_supported(isa) must hold.
template <class T>
BlockKernel<T> block_kernel(GemmIsa isa);

// Defined by gemm_block_<isa>.cpp for float and double; the x86 ones only in x86 builds.
template <class T>
BlockKernel<T> block_kernel_portable();
template <class T>
BlockKernel<T> block_kernel_avx2();
template <class T>
BlockKernel<T> block_kernel_avx512();
template <> BlockKernel<float> block_kernel_portable<float>();
template <> BlockKernel<double> block_kernel_portable<double>();
template <> BlockKernel<float> block_kernel_avx2<float>();
template <> BlockKernel<double> block_kernel_avx2<double>();
template <> BlockKernel<float> block_kernel_avx512<float>();
template <> BlockKernel<double> block_kernel_avx512<double>();

}  // namespace potatolemon::kernels
