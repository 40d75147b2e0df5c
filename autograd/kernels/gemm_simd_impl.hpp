// Register-level building blocks for the gemm kernels: a vector of W lanes (GCC/clang
// vector_size, explicit, never left to the auto-vectoriser: see PERFORMANCE.md) and a W×W
// transpose in registers. Not a public header: included, through gemm_block_impl.hpp, by each
// gemm_block_<isa>.cpp after it defines GEMM_TARGET, so all of it compiles for that ISA.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>

namespace potatolemon::kernels {
namespace {

// W lanes of T in one register.
template <class T, int W>
struct Simd {
    typedef T V __attribute__((vector_size(W * sizeof(T))));

    GEMM_TARGET [[gnu::always_inline]] static V load(const T* p) {
        V v;
        __builtin_memcpy(&v, p, sizeof v);
        return v;
    }
    GEMM_TARGET [[gnu::always_inline]] static void store(T* p, V v) {
        __builtin_memcpy(p, &v, sizeof v);
    }
    // s - 0 is exactly s, -0 included (s + 0 would turn -0 into +0).
    GEMM_TARGET [[gnu::always_inline]] static V splat(T s) { return s - V{}; }
};

// Swaps the off-diagonal B×B blocks of each 2B×2B block of rows a (bit B of the row clear) and c.
template <class V, int W, int B, size_t... L>
GEMM_TARGET [[gnu::always_inline]] inline void swap_blocks(V& a, V& c, std::index_sequence<L...>) {
    V lo = __builtin_shufflevector(a, c, ((L & B) == 0 ? L : W + L - B)...);
    V hi = __builtin_shufflevector(a, c, ((L & B) == 0 ? L + B : W + L)...);
    a = lo;
    c = hi;
}

template <class V, int W, int B>
GEMM_TARGET [[gnu::always_inline]] inline void transpose_stage(V (&r)[W]) {
    if constexpr (B > 0) {
#pragma GCC unroll 16
        for (int i = 0; i < W; ++i)
            if ((i & B) == 0) swap_blocks<V, W, B>(r[i], r[i + B], std::make_index_sequence<W>());
        transpose_stage<V, W, B / 2>(r);
    }
}

// dst[k·width + x] = src[x·stride_x + k] for x, k < W: W loads, log2(W) shuffle stages, W stores.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void transpose_block(const T* src, int64_t stride_x,
                                                               T* dst, int64_t width) {
    using S = Simd<T, W>;
    typename S::V r[W];
#pragma GCC unroll 16
    for (int x = 0; x < W; ++x) r[x] = S::load(src + x * stride_x);
    transpose_stage<typename S::V, W, W / 2>(r);
#pragma GCC unroll 16
    for (int k = 0; k < W; ++k) S::store(dst + k * width, r[k]);
}

}  // namespace
}  // namespace potatolemon::kernels
