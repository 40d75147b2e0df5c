// The generic direct-convolution micro-kernels (contracts in conv_direct.hpp), written with the
// explicit vectors of gemm_simd_impl.hpp. Not a public header: each conv_direct_<isa>.cpp defines
// GEMM_TARGET, fmadd(), store_lanes() and load_lanes() (the first n lanes of a vector to or from
// memory, the others untouched or zero) for its vector types, then includes this, so it compiles
// for that ISA.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "autograd/kernels/conv_direct.hpp"
#include "autograd/kernels/gemm_simd_impl.hpp"

namespace potatolemon::kernels {
namespace {

// Stores the outputs q .. q + W − 1 of channel o that are valid: all, the first few, or none.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void store_positions(const DirectForward<T>& a, int64_t o,
                                                               int64_t q,
                                                               typename Simd<T, W>::V v) {
    if (q >= a.valid) return;
    T* p = a.out + o * a.valid + q;
    if (a.valid - q >= W) return Simd<T, W>::store(p, v);
    store_lanes(p, v, static_cast<int>(a.valid - q));
}

// An MR × (NV·W) tile of outputs: MR channels by NV vectors of consecutive positions, from the
// bias, summed over channels then taps, one fused multiply-add per input element and output.
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void forward_tile(const DirectForward<T>& a, const T* w,
                                                            int64_t q0, int64_t o0) {
    using S = Simd<T, W>;
    const int64_t rows = a.channels_out - o0 < MR ? a.channels_out - o0 : MR;
    typename S::V acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = S::splat(a.bias && r < rows ? a.bias[o0 + r] : 0);
    for (int64_t c = 0; c < a.channels; ++c) {
        const T* in = a.in + c * a.plane + q0;
        for (int64_t t = 0; t < a.taps; ++t, w += MR) {
            typename S::V b[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) b[v] = S::load(in + a.offsets[t] + v * W);
#pragma GCC unroll 16
            for (int r = 0; r < MR; ++r) {
                typename S::V wr = S::splat(w[r]);
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[r][v] = fmadd(wr, b[v], acc[r][v]);
            }
        }
    }
    for (int64_t r = 0; r < rows; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) store_positions<T, W>(a, o0 + r, q0 + v * W, acc[r][v]);
}

// Whole tiles of NV vectors, then tiles of one vector for the rest (at most NV − 1 of them).
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::flatten]] void direct_forward(const DirectForward<T>& a) {
    const int64_t block = a.channels * a.taps * MR, whole = a.q_count / (W * NV) * (W * NV);
    for (int64_t o0 = 0; o0 < a.channels_out; o0 += MR) {
        for (int64_t q0 = 0; q0 < whole; q0 += W * NV)
            forward_tile<T, W, MR, NV>(a, a.w + o0 / MR * block, q0, o0);
        for (int64_t q0 = whole; q0 < a.q_count; q0 += W)
            forward_tile<T, W, MR, 1>(a, a.w + o0 / MR * block, q0, o0);
    }
}

// The sum of v's lanes by halving: lanes i and i + W/2 added, then the same on the W/2 sums.
template <class T, int W, size_t... L>
GEMM_TARGET [[gnu::always_inline]] inline T lane_sum(typename Simd<T, W>::V v,
                                                     std::index_sequence<L...>) {
    if constexpr (W == 1) {
        return v[0];
    } else {
        typename Simd<T, W / 2>::V lo = __builtin_shufflevector(v, v, L...);
        typename Simd<T, W / 2>::V hi = __builtin_shufflevector(v, v, (L + W / 2)...);
        return lane_sum<T, W / 2>(lo + hi, std::make_index_sequence<W / 4>());
    }
}

template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline T lane_sum(typename Simd<T, W>::V v) {
    return lane_sum<T, W>(v, std::make_index_sequence<W / 2>());
}

// acc[r][s] += g[r][gq .. gq + W) · x[s][xq .. xq + W), g read only up to `lanes` (zero after).
template <class T, int W, int MO, int MK>
GEMM_TARGET [[gnu::always_inline]] inline void weight_step(typename Simd<T, W>::V (&acc)[MO][MK],
                                                           const T* const (&g)[MO],
                                                           const T* const (&x)[MK], int64_t gq,
                                                           int64_t xq, int64_t lanes) {
    using S = Simd<T, W>;
    typename S::V gv[MO];
#pragma GCC unroll 8
    for (int r = 0; r < MO; ++r)
        gv[r] = lanes == W ? S::load(g[r] + gq)
                           : load_lanes(g[r] + gq, static_cast<int>(lanes), typename S::V{});
#pragma GCC unroll 8
    for (int s = 0; s < MK; ++s) {
        typename S::V xv = S::load(x[s] + xq);
#pragma GCC unroll 8
        for (int r = 0; r < MO; ++r) acc[r][s] = fmadd(gv[r], xv, acc[r][s]);
    }
}

// An MO × MK block of the weight gradient (MO output channels by MK of the flattened (c, tap)),
// each entry a vector of W lane sums until the end. Channels and taps past the end repeat the
// last one and their sums are dropped.
template <class T, int W, int MO, int MK>
GEMM_TARGET [[gnu::always_inline]] inline void weight_block(const DirectWeight<T>& a, int64_t o0,
                                                            int64_t k0) {
    using S = Simd<T, W>;
    const int64_t k_count = a.channels * a.taps;
    const T* g[MO];
    const T* x[MK];
    for (int r = 0; r < MO; ++r)
        g[r] = a.grad + (o0 + r < a.channels_out ? o0 + r : a.channels_out - 1) * a.ld_grad;
    for (int s = 0; s < MK; ++s) {
        int64_t k = k0 + s < k_count ? k0 + s : k_count - 1;
        x[s] = a.in + k / a.taps * a.plane + a.offsets[k % a.taps];
    }
    typename S::V acc[MO][MK] = {};
    const int64_t whole = a.valid / W * W;
    for (int64_t n = 0; n < a.images; ++n) {
        for (int64_t q = 0; q < whole; q += W)
            weight_step<T, W, MO, MK>(acc, g, x, n * a.grad_image + q, n * a.in_image + q, W);
        if (whole < a.valid)
            weight_step<T, W, MO, MK>(acc, g, x, n * a.grad_image + whole, n * a.in_image + whole,
                                      a.valid - whole);
    }
    for (int64_t r = 0; r < MO && o0 + r < a.channels_out; ++r)
        for (int64_t s = 0; s < MK && k0 + s < k_count; ++s)
            a.gw[(o0 + r) * k_count + k0 + s] += lane_sum<T, W>(acc[r][s]);
}

template <class T, int W, int MO, int MK>
GEMM_TARGET [[gnu::flatten]] void direct_weight(const DirectWeight<T>& a) {
    for (int64_t o0 = 0; o0 < a.channels_out; o0 += MO)
        for (int64_t k0 = 0; k0 < a.channels * a.taps; k0 += MK)
            weight_block<T, W, MO, MK>(a, o0, k0);
}

// A block of MK (c, tap) rows by NV vectors of output channels, over every image and position.
template <class T, int W, int MK, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void weight_t_block(const DirectWeightT<T>& a, int64_t k0,
                                                              int64_t o0) {
    using S = Simd<T, W>;
    const int64_t k_count = a.channels * a.taps;
    const T* x[MK];
    for (int s = 0; s < MK; ++s) {  // rows past the end repeat the last; their sums are dropped
        int64_t k = k0 + s < k_count ? k0 + s : k_count - 1;
        x[s] = a.in + k / a.taps * a.plane + a.offsets[k % a.taps];
    }
    typename S::V acc[MK][NV] = {};
    for (int64_t n = 0; n < a.images; ++n) {
        const T* g = a.grad_t + n * a.grad_image + o0;
        const int64_t xn = n * a.in_image;
        for (int64_t q = 0; q < a.valid; ++q, g += a.ld) {
            typename S::V b[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) b[v] = S::load(g + v * W);
#pragma GCC unroll 16
            for (int s = 0; s < MK; ++s) {
                typename S::V xs = S::splat(x[s][xn + q]);
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[s][v] = fmadd(xs, b[v], acc[s][v]);
            }
        }
    }
    for (int64_t s = 0; s < MK && k0 + s < k_count; ++s)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            T* p = a.sum + (k0 + s) * a.ld + o0 + v * W;
            S::store(p, S::load(p) + acc[s][v]);
        }
}

template <class T, int W, int MK, int NV>
GEMM_TARGET [[gnu::flatten]] void direct_weight_t(const DirectWeightT<T>& a) {
    for (int64_t k0 = 0; k0 < a.channels * a.taps; k0 += MK)
        for (int64_t o0 = 0; o0 < a.ld; o0 += W * NV) weight_t_block<T, W, MK, NV>(a, k0, o0);
}

// dst[q·ld + o] = src[o·cols + q]: W×W blocks in registers, the last cols % W one at a time.
template <class T, int W>
GEMM_TARGET [[gnu::flatten]] void transpose_rows(const T* src, int64_t rows, int64_t cols, T* dst,
                                                 int64_t ld) {
    const int64_t whole = cols / W * W;
    for (int64_t o0 = 0; o0 < rows; o0 += W) {
        for (int64_t q0 = 0; q0 < whole; q0 += W)
            transpose_block<T, W>(src + o0 * cols + q0, cols, dst + q0 * ld + o0, ld);
        for (int64_t q = whole; q < cols; ++q)
            for (int64_t o = o0; o < o0 + W; ++o) dst[q * ld + o] = src[o * cols + q];
    }
}

// dst[p] = 0 for p < count, a whole vector at a time while that stays below `limit`.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void zero_run(T* dst, int64_t count, int64_t limit) {
    int64_t p = 0;
    for (; p < count && p + W <= limit; p += W)
        Simd<T, W>::store(dst + p, typename Simd<T, W>::V{});
    for (; p < count; ++p) dst[p] = T(0);
}

// dst[(top + r)·ld + lead + i] = src[r·src_ld + i] for r < rows, i < width; every other dst[p],
// p < (top + rows + bottom)·ld, is 0. A row of the CNN's 14 floats is one masked load (zeros past
// the row) and one store, which also writes the zeros up to the next row's values; what a vector
// writes beyond that is rewritten by the rows after it. Rows whose vectors would end past dst are
// copied one element at a time.
template <class T, int W>
GEMM_TARGET [[gnu::flatten]] void place_rows(const T* src, int64_t src_ld, int64_t rows,
                                             int64_t width, T* dst, int64_t ld, int64_t lead,
                                             int64_t top, int64_t bottom) {
    using S = Simd<T, W>;
    const int64_t total = (top + rows + bottom) * ld, vectors = (width + W - 1) / W;
    const int64_t zeros = std::max<int64_t>(vectors * W, ld) - vectors * W;  // past the values
    const int64_t reach = vectors * W + (zeros + W - 1) / W * W;  // written from a row's start
    zero_run<T, W>(dst, top * ld + lead, total);
    T* row = dst + top * ld + lead;
    int64_t r = 0;
    for (; r < rows && (row - dst) + reach <= total; ++r, src += src_ld, row += ld) {
        // The planes stream in from memory once per call: ask ahead (2 KiB) for what comes next.
        __builtin_prefetch(src + 2048 / sizeof(T));
        for (int64_t v = 0; v + 1 < vectors; ++v) S::store(row + v * W, S::load(src + v * W));
        if (vectors > 0) {
            const int64_t last = (vectors - 1) * W;
            S::store(row + last,
                     load_lanes(src + last, static_cast<int>(width - last), typename S::V{}));
        }
        for (int64_t z = vectors * W; z < vectors * W + zeros; z += W)
            S::store(row + z, typename S::V{});
    }
    for (; r < rows; ++r, src += src_ld, row += ld) {
        for (int64_t i = 0; i < width; ++i) row[i] = src[i];
        int64_t room = total - (row + width - dst), gap = ld - width;
        zero_run<T, W>(row + width, gap < room ? gap : room, room);
    }
    T* tail = dst + (top + rows) * ld + lead;  // past the last row's gap
    zero_run<T, W>(tail, dst + total - tail, dst + total - tail);
}

// Forward tiles of MR channels × NV vectors, weight blocks of MO × MK vectors, transposed weight
// blocks of MK rows × NV vectors, all W lanes wide.
template <class T, int W, int MR, int NV, int MO, int MK, int TK>
DirectKernels<T> make_direct_kernels() {
    return {direct_forward<T, W, MR, NV>,
            direct_weight<T, W, MO, MK>,
            place_rows<T, W>,
            direct_weight_t<T, W, TK, NV>,
            transpose_rows<T, W>,
            MR,
            W * NV,
            W,
            W * NV};
}

}  // namespace
}  // namespace potatolemon::kernels
