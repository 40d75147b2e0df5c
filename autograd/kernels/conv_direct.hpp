// Internal to conv: stride-1 convolution straight from the input planes laid out so that every
// tap of a run of consecutive outputs is a run of consecutive elements (conv_direct.cpp builds
// that layout), without im2col: a register tile is a few channels by a few vectors of outputs.
// The micro-kernels are compiled per instruction set like gemm's (conv_direct_<isa>.cpp).
#pragma once
#include <cstdint>

#include "autograd/kernels/conv.hpp"
#include "autograd/kernels/gemm_isa.hpp"

namespace potatolemon::kernels {

// out[o·valid + q] = bias[o] (0 when null) + Σ_{c, t} w(o, c, t) · in[c·plane + offsets[t] + q]
// for o < channels_out and q < valid (positions up to q_count, a multiple of the lanes, are
// computed). w is packed in blocks of MR output channels: w(o, c, t) = w[((o / MR)·C·taps +
// c·taps + t)·MR + o % MR] (zero-padded past channels_out); `in` must hold (C − 1)·plane +
// q_count + max(offsets) elements.
template <class T>
struct DirectForward {
    const T* in;
    int64_t channels, plane;
    const int64_t* offsets;
    int64_t taps;
    const T* w;
    const T* bias;
    int64_t channels_out, q_count;
    T* out;
    int64_t valid;  // also the row stride of out
};

// gw[o·C·taps + c·taps + t] += Σ_{n, q} grad[n·grad_image + o·ld_grad + q] ·
// in[n·in_image + c·plane + offsets[t] + q], for q < valid (grad is read only there; `in` up to
// valid rounded up to the lanes). Sums run over n, then q a vector at a time, lanes apart; each
// lane sum is added in one fixed order at the end, so the result depends only on the arguments.
template <class T>
struct DirectWeight {
    const T* in;
    int64_t in_image, channels, plane;
    const int64_t* offsets;
    int64_t taps;
    const T* grad;
    int64_t grad_image, ld_grad, channels_out;
    int64_t images, valid;
    T* gw;
};

// The weight gradient with the output gradient transposed, for output channels in whole tiles:
// sum[k·ld + o] += Σ_{n, q < valid} in[n·in_image + c·plane + offsets[t] + q] ·
// grad_t[n·grad_image + q·ld + o] for k = c·taps + t and o < ld, a multiple of the kernel's
// o_tile. Inputs are broadcast and gradients loaded as vectors (the forward kernel's shape), and
// every position counts: no lane sums and no padded vector at a plane's end.
template <class T>
struct DirectWeightT {
    const T* in;
    int64_t in_image, channels, plane;
    const int64_t* offsets;
    int64_t taps;
    const T* grad_t;
    int64_t grad_image, ld;
    int64_t images, valid;
    T* sum;
};

template <class T>
struct DirectKernels {
    void (*forward)(const DirectForward<T>& args);
    void (*weight)(const DirectWeight<T>& args);
    // dst[(top + r)·ld + lead + i] = src[r·src_ld + i] for r < rows, i < width, and 0 at every
    // other dst[p], p < (top + rows + bottom)·ld: planes into the shifted layout.
    void (*place_rows)(const T* src, int64_t src_ld, int64_t rows, int64_t width, T* dst,
                       int64_t ld, int64_t lead, int64_t top, int64_t bottom);
    void (*weight_t)(const DirectWeightT<T>& args);
    // dst[q·ld + o] = src[o·cols + q] for o < rows (a multiple of lanes), q < cols.
    void (*transpose)(const T* src, int64_t rows, int64_t cols, T* dst, int64_t ld);
    int64_t mr;      // output channels per packed weight block
    int64_t q_step;  // forward: positions per register tile
    int64_t lanes;   // positions per vector
    int64_t o_tile;  // weight_t: output channels per register tile
};

// A grow-only scratch buffer of the calling thread, slots 0 and 1 apart (gemm keeps its own).
template <class T>
T* conv_scratch(int slot, int64_t count);

// The drivers (conv_direct.cpp), which conv.cpp calls for the geometries they take: stride 1 for
// the forward and weight gradient; for the input gradient, itself a stride-1 convolution of the
// output gradient with the flipped kernel, also padding <= dilation·(k − 1).
bool direct_forward_fits(const ConvShape& s);
bool direct_input_grad_fits(const ConvShape& s);
template <class T>
void conv2d_forward_direct(const ConvShape& s, const T* x, const T* w, const T* bias, T* y);
template <class T>
void conv2d_input_grad_direct(const ConvShape& s, const T* gy, const T* w, T* gx);
template <class T>
void conv2d_weight_grad_direct(const ConvShape& s, const T* x, const T* gy, T* gw);

// The kernels for `isa` (gemm_isa_supported(isa) must hold).
template <class T>
DirectKernels<T> direct_kernels(GemmIsa isa);

// Defined by conv_direct_<isa>.cpp for float and double; the x86 ones only in x86 builds.
template <class T>
DirectKernels<T> direct_kernels_portable();
template <class T>
DirectKernels<T> direct_kernels_avx2();
template <class T>
DirectKernels<T> direct_kernels_avx512();
template <>
DirectKernels<float> direct_kernels_portable<float>();
template <>
DirectKernels<double> direct_kernels_portable<double>();
template <>
DirectKernels<float> direct_kernels_avx2<float>();
template <>
DirectKernels<double> direct_kernels_avx2<double>();
template <>
DirectKernels<float> direct_kernels_avx512<float>();
template <>
DirectKernels<double> direct_kernels_avx512<double>();

}  // namespace potatolemon::kernels
