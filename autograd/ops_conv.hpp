// Convolution: conv2d (NCHW) and conv1d (NCL, a conv2d over a height of 1), cross-correlation with
// zero padding, stride, dilation and groups as torch::nn::functional's. Three primitives are
// closed under differentiation (as PyTorch's convolution_backward): conv2d, and the two products
// of its backward, conv2d_input_backward and conv2d_weight_backward, whose own gradients are again
// these three. Output size per spatial dim: floor((in + 2p − d(k − 1) − 1) / s) + 1.
#pragma once
#include <cstdint>

#include "autograd/size2.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

// out[N, O, OH, OW] = bias[O] + Σ input[N, C, H, W] windows · weight[O, C/groups, kH, kW].
// Throws ShapeError for an input not of rank 4, a weight not of rank 4 or with a zero dim, a
// channel mismatch, groups not dividing the channels, a bias not of shape [O], a dilated kernel
// larger than the padded input, stride or dilation < 1, padding < 0, groups < 1; DtypeError for
// mixed dtypes. A batch of 0 gives an empty result.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, Size2 stride = 1,
              Size2 padding = 0, Size2 dilation = 1, std::int64_t groups = 1);

// out[N, O, OL] = conv2d of input[N, C, L] and weight[O, C/groups, k] over a height of 1; the same
// checks and errors as conv2d, for ranks 3.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              std::int64_t stride = 1, std::int64_t padding = 0, std::int64_t dilation = 1,
              std::int64_t groups = 1);

// The gradient of conv2d with respect to its input, for grad [N, O, OH, OW]: a tensor of
// `input_shape` (positions no window covers get 0). Same arguments as the conv2d it inverts;
// throws ShapeError when grad's shape is not conv2d's output for input_shape and weight.
Tensor conv2d_input_backward(const Tensor& grad, const Tensor& weight, const Shape& input_shape,
                             Size2 stride, Size2 padding, Size2 dilation, std::int64_t groups);

// The gradient of conv2d with respect to its weight, for grad [N, O, OH, OW]: a tensor of
// `weight_shape`, summed over the batch. Throws ShapeError as conv2d_input_backward.
Tensor conv2d_weight_backward(const Tensor& input, const Tensor& grad, const Shape& weight_shape,
                              Size2 stride, Size2 padding, Size2 dilation, std::int64_t groups);

}  // namespace potatolemon
