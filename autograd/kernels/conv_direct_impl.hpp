// The generic direct-convolution micro-kernels (contracts in conv_direct.hpp), written with the
// explicit vectors of gemm_simd_impl.hpp. Not a public header: each conv_direct_<isa>.cpp defines
// GEMM_TARGET and fmadd() for its vector types, then includes this, so it compiles for that ISA.
#pragma once
#include <cstdint>

#include "autograd/kernels/conv_direct.hpp"
#include "autograd/kernels/gemm_simd_impl.hpp"

namespace potatolemon::kernels {
namespace {

// An MR × (NV·W) tile of outputs: MR channels by NV vectors of consecutive positions, summed over
// channels then taps, one fused multiply-add per input element and output.
template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::always_inline]] inline void forward_tile(const DirectForward<T>& a, const T* w,
                                                            int64_t q0, int64_t o0) {
    using S = Simd<T, W>;
    typename S::V acc[MR][NV] = {};
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
    int64_t rows = a.channels_out - o0 < MR ? a.channels_out - o0 : MR;
    for (int64_t r = 0; r < rows; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) S::store(a.out + (o0 + r) * a.ld_out + q0 + v * W, acc[r][v]);
}

template <class T, int W, int MR, int NV>
GEMM_TARGET [[gnu::flatten]] void direct_forward(const DirectForward<T>& a) {
    const int64_t block = a.channels * a.taps * MR;
    for (int64_t o0 = 0; o0 < a.channels_out; o0 += MR)
        for (int64_t q0 = 0; q0 < a.q_count; q0 += W * NV)
            forward_tile<T, W, MR, NV>(a, a.w + o0 / MR * block, q0, o0);
}

// The lanes of v added in lane order.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline T lane_sum(typename Simd<T, W>::V v) {
    T lanes[W];
    Simd<T, W>::store(lanes, v);
    T sum = lanes[0];
    for (int i = 1; i < W; ++i) sum += lanes[i];
    return sum;
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
    for (int64_t n = 0; n < a.images; ++n)
        for (int64_t q = 0; q < a.q_count; q += W) {
            typename S::V gv[MO];
#pragma GCC unroll 8
            for (int r = 0; r < MO; ++r) gv[r] = S::load(g[r] + n * a.grad_image + q);
#pragma GCC unroll 8
            for (int s = 0; s < MK; ++s) {
                typename S::V xv = S::load(x[s] + n * a.in_image + q);
#pragma GCC unroll 8
                for (int r = 0; r < MO; ++r) acc[r][s] = fmadd(gv[r], xv, acc[r][s]);
            }
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

// Forward tiles of MR channels × NV vectors, weight blocks of MO × MK vectors, all W lanes wide.
template <class T, int W, int MR, int NV, int MO, int MK>
DirectKernels<T> make_direct_kernels() {
    return {direct_forward<T, W, MR, NV>, direct_weight<T, W, MO, MK>, MR, W * NV, W};
}

}  // namespace
}  // namespace potatolemon::kernels
