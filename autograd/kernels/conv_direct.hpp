// Internal to conv: stride-1 convolution straight from zero-padded planes, without im2col. A plane
// of HP×WP elements is stored flat (row stride WP), so output (oy, ox) at flat q = oy·WP + ox
// reads tap (i, j) at q + i·DH·WP + j·DW: every tap is a run of consecutive elements, and a
// register tile is a few vectors of consecutive q. Positions with ox >= OW are computed (or, for
// the weight gradient, given a zero gradient) and discarded: up to (KW − 1)·DW of each WP.
// The micro-kernels are compiled per instruction set like gemm's (conv_direct_<isa>.cpp).
#pragma once
#include <cstdint>

#include "autograd/kernels/conv.hpp"
#include "autograd/kernels/gemm_isa.hpp"

namespace potatolemon::kernels {

// out[o][q] = Σ_{c, t} w(o, c, t) · in[c·plane + offsets[t] + q] for q < q_count, o < channels_out.
// w is packed in blocks of MR output channels: w(o, c, t) = w[((o / MR)·C·taps + c·taps + t)·MR +
// o % MR] (zero-padded past channels_out). q_count is a multiple of the kernel's q_step; `in`
// must hold (C − 1)·plane + q_count + max(offsets) elements.
template <class T>
struct DirectForward {
    const T* in;
    int64_t channels, plane;
    const int64_t* offsets;
    int64_t taps;
    const T* w;
    int64_t channels_out;
    T* out;
    int64_t ld_out, q_count;
};

// gw[o·C·taps + c·taps + t] += Σ_{n, q} grad[n·grad_image + o·ld_grad + q] ·
// in[n·in_image + c·plane + offsets[t] + q], for q < q_count (a multiple of the kernel's lanes).
// Sums run over n, then q a vector at a time, lanes apart; each lane sum is added in one fixed
// order at the end, so the result depends only on the arguments.
template <class T>
struct DirectWeight {
    const T* in;
    int64_t in_image, channels, plane;
    const int64_t* offsets;
    int64_t taps;
    const T* grad;
    int64_t grad_image, ld_grad, channels_out;
    int64_t images, q_count;
    T* gw;
};

template <class T>
struct DirectKernels {
    void (*forward)(const DirectForward<T>& args);
    void (*weight)(const DirectWeight<T>& args);
    int64_t mr;      // output channels per packed weight block
    int64_t q_step;  // forward: positions per register tile
    int64_t lanes;   // weight gradient: positions per vector
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
