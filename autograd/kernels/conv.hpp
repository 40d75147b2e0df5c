// Raw loops of 2-D convolution (NCHW input, OIHW weight, cross-correlation as in PyTorch) for float
// and double: the forward product and the two products of its backward. No autograd and no
// argument checks here: ops_conv.cpp validates the geometry first. Results are bitwise the same
// whatever num_threads() is.
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// Dimension letters: N images, C input channels of H×W, O output channels of OH×OW, a KH×KW
// kernel; strides SH, SW, zero padding PH, PW, dilations DH, DW; G groups (C and O divisible by
// G, each group sees C/G inputs and makes O/G outputs).
struct ConvShape {
    int64_t N, C, H, W;
    int64_t O, KH, KW;
    int64_t OH, OW;
    int64_t SH, SW, PH, PW, DH, DW;
    int64_t G;
};

// y[N, O, OH, OW] = bias (when not null, [O]) + x[N, C, H, W] ⋆ w[O, C/G, KH, KW].
template <class T>
void conv2d_forward(const ConvShape& s, const T* x, const T* w, const T* bias, T* y);

// gx[N, C, H, W] = the transpose of the forward map in x applied to gy[N, O, OH, OW]
// (input positions no window covers get 0).
template <class T>
void conv2d_input_grad(const ConvShape& s, const T* gy, const T* w, T* gx);

// gw[O, C/G, KH, KW] = Σ over images and output positions of gy times the input window it saw.
template <class T>
void conv2d_weight_grad(const ConvShape& s, const T* x, const T* gy, T* gw);

}  // namespace potatolemon::kernels
