// Raw 2-D pooling loops (no autograd): max and average pooling of [planes, H, W] data and their
// gradients, as PyTorch's CPU kernels compute them (same scan order, same NaN and tie rules, same
// float accumulation). Each plane is computed by one thread from start to finish, so results are
// bitwise the same at any thread count. ops_pool.cpp checks the arguments first.
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// The window geometry every plane shares: planes × in_h × in_w pooled to planes × out_h × out_w.
// Window (oh, ow) reads rows oh * stride_h - pad_h + j * dilation_h for j < kernel_h (columns
// alike); rows and columns outside the input are padding.
struct Pool2dGeometry {
    std::int64_t planes, in_h, in_w, out_h, out_w;
    std::int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
};

// out = the max of each window, indices = its position h * in_w + w within the plane. Padding is
// -inf; of equal maxima the first in scan order wins; NaN is the max (the last NaN's position is
// kept, as PyTorch's scan does). A window wholly in the padding (possible with dilation) gives
// -inf and index -1. indices may be null: the values alone (inference) skip finding positions.
template <class T>
void max_pool2d(const Pool2dGeometry& g, const T* in, T* out, std::int64_t* indices);

// grad_in = zeros, then grad_in[indices[i]] += grad_out[i], plane by plane in output order; index
// -1 is skipped. Returns false if an index lies outside [-1, in_h * in_w) (that entry skipped).
template <class T>
bool max_pool2d_backward(const Pool2dGeometry& g, const T* grad_out, const std::int64_t* indices,
                         T* grad_in);

// True for 2×2 windows at stride 2 without padding or dilation: windows that never overlap,
// where max_pool2d_backward_2x2 applies.
bool disjoint_2x2(const Pool2dGeometry& g);

// max_pool2d_backward for disjoint 2×2 windows, given the pooled input instead of indices: each
// window's max is located again by max_pool2d's rule. Bitwise equal to max_pool2d_backward with
// the indices max_pool2d returns, without writing or reading them.
template <class T>
void max_pool2d_backward_2x2(const Pool2dGeometry& g, const T* in, const T* grad_out, T* grad_in);

// max_pool2d of relu(in) over disjoint 2×2 windows (disjoint_2x2(g) holds), relu as autograd's
// relu computes it (v < 0 gives 0; -0 and NaN pass): bitwise max_pool2d(relu(in)) without writing
// relu(in).
template <class T>
void relu_max_pool2d_2x2(const Pool2dGeometry& g, const T* in, T* out);

// Its gradient in one pass: bitwise threshold_backward(max_pool2d_backward_2x2(g, relu(in),
// grad_out), in), i.e. each window's gradient to its max of relu(in) when that max is > 0 or NaN,
// +0 everywhere else.
template <class T>
void relu_max_pool2d_backward_2x2(const Pool2dGeometry& g, const T* in, const T* grad_out,
                                  T* grad_in);

// out = the sum of each window's input elements (accumulated in T, in scan order) divided by the
// window size (count_include_pad) or by the number of input elements it covers.
template <class T>
void avg_pool2d(const Pool2dGeometry& g, bool count_include_pad, const T* in, T* out);

// The transpose of avg_pool2d: grad_in = zeros, then each grad_out[i] / divisor is added to every
// input element of window i.
template <class T>
void avg_pool2d_backward(const Pool2dGeometry& g, bool count_include_pad, const T* grad_out,
                         T* grad_in);

}  // namespace potatolemon::kernels
