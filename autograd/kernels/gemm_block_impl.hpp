// The generic block kernel: a fully unrolled MR×NR register tile of explicit vectors, the loop over
// one block around it, and make_block_kernel, which bundles it with packing for one ISA.
// Not a public header: each gemm_block_<isa>.cpp defines GEMM_TARGET (its [[gnu::target]], or
// nothing) and fmadd() for its vector types, then includes this, so all of it compiles for that
// ISA.
#pragma once
#include <cstdint>

#include "autograd/kernels/gemm_block.hpp"
#include "autograd/kernels/gemm_pack_impl.hpp"
#include "autograd/kernels/gemm_simd_impl.hpp"

namespace potatolemon::kernels {
namespace {

// acc[i][j] = Σ_k A(i, k) · B(k, j·W .. j·W+W-1) over one sliver of A and one packed panel of B.
// Every lane sees the same fused multiply-adds in the same k order, whatever tile it sits in.
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void tile_multiply(
        typename Simd<T, W>::V (&acc)[MR][NV], int64_t kc, const T* a, int64_t rs_a, int64_t cs_a,
        const T* b) {
    using S = Simd<T, W>;
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) acc[i][j] = typename S::V{};
    for (int64_t k = 0; k < kc; ++k, a += cs_a, b += W * NV) {
        typename S::V bk[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) bk[j] = S::load(b + j * W);
#pragma GCC unroll 32
        for (int i = 0; i < MR; ++i) {
            typename S::V ai = S::splat(a[i * rs_a]);
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) acc[i][j] = fmadd(ai, bk[j], acc[i][j]);
        }
    }
}

// C(i, j) = acc or C(i, j) + acc for i < m, j < n: whole vectors when the tile is full and C's rows
// are contiguous, else through a buffer (the same single addition either way).
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void tile_store(
        const typename Simd<T, W>::V (&acc)[MR][NV], T* c, int64_t rs_c, int64_t cs_c, int64_t m,
        int64_t n, bool overwrite) {
    using S = Simd<T, W>;
    constexpr int NR = W * NV;
    if (m == MR && n == NR && cs_c == 1) {
#pragma GCC unroll 32
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) {
                T* p = c + i * rs_c + j * W;
                S::store(p, overwrite ? acc[i][j] : S::load(p) + acc[i][j]);
            }
        return;
    }
    T tile[MR][NR];
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) S::store(&tile[i][j * W], acc[i][j]);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            T& out = c[i * rs_c + j * cs_c];
            out = overwrite ? tile[i][j] : out + tile[i][j];
        }
}

// The whole block, panel by panel of B (kept in L1) and sliver by sliver of A (streamed from L2).
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void block_multiply(const GemmBlock<T>& blk) {
    constexpr int64_t NR = W * NV;
    for (int64_t j = 0; j < blk.n; j += NR) {
        const T* b = blk.b + (j / NR) * blk.kc * NR;
        for (int64_t i = 0; i < blk.m; i += MR) {
            typename Simd<T, W>::V acc[MR][NV];
            tile_multiply<T, W, MR, NV>(acc, blk.kc, blk.a + (i / MR) * blk.a_sliver, blk.rs_a,
                                        blk.cs_a, b);
            int64_t m = blk.m - i < MR ? blk.m - i : MR;
            int64_t n = blk.n - j < NR ? blk.n - j : NR;
            tile_store<T, W, MR, NV>(acc, blk.c + i * blk.rs_c + j * blk.cs_c, blk.rs_c, blk.cs_c,
                                     m, n, blk.overwrite);
        }
    }
}

// B(k, j0 .. j0+W-1) as one vector: a load when the W columns are contiguous, else lane by lane
// (the W - n lanes past the matrix are zero).
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline typename Simd<T, W>::V row_of_b(const T* b, int64_t cs_b,
                                                                          int64_t n) {
    if (n == W && cs_b == 1) return Simd<T, W>::load(b);
    T lanes[W] = {};
    for (int64_t x = 0; x < n; ++x) lanes[x] = b[x * cs_b];
    return Simd<T, W>::load(lanes);
}

// A one-row block without packing: W columns of C at a time, each lane the k-ordered chain of
// fmadd from zero that tile_multiply runs, then the one addition of tile_store.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void row_multiply(const GemmRow<T>& r) {
    using S = Simd<T, W>;
    for (int64_t j = 0; j < r.n; j += W) {
        int64_t n = r.n - j < W ? r.n - j : W;
        const T* b = r.b + j * r.cs_b;
        typename S::V acc{};
        for (int64_t k = 0; k < r.kc; ++k) {
            typename S::V bk = row_of_b<T, W>(b + k * r.rs_b, r.cs_b, n);
            acc = fmadd(S::splat(r.a[k * r.cs_a]), bk, acc);
        }
        if (n == W && r.cs_c == 1) {
            S::store(r.c + j, r.overwrite ? acc : S::load(r.c + j) + acc);
            continue;
        }
        T sums[W];
        S::store(sums, acc);
        for (int64_t x = 0; x < n; ++x) {
            T& out = r.c[(j + x) * r.cs_c];
            out = r.overwrite ? sums[x] : out + sums[x];
        }
    }
}

// The entry points, compiled out of line for this ISA with everything they call inlined.
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::flatten]] void run_block(const GemmBlock<T>& blk) {
    block_multiply<T, W, MR, NV>(blk);
}

template <class T, int W>
GEMM_TARGET [[gnu::flatten]] void run_row(const GemmRow<T>& row) {
    row_multiply<T, W>(row);
}

template <class T, int W>
GEMM_TARGET [[gnu::flatten]] void run_pack(const T* src, int64_t stride_x, int64_t stride_k,
                                           int64_t rows, int64_t kc, int64_t width, T* dst) {
    pack_panels<T, W>(src, stride_x, stride_k, rows, kc, width, dst);
}

// An MR×(NV·W) tile of W-lane vectors.
template <class T, int W, int MR, int NV>
BlockKernel<T> make_block_kernel() {
    return {run_block<T, W, MR, NV>, run_row<T, W>, run_pack<T, W>, MR, NV * W};
}

}  // namespace
}  // namespace potatolemon::kernels
