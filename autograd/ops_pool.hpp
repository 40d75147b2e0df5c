// 2-D pooling of [N, C, H, W] or [C, H, W] inputs, as torch::nn::functional: max_pool2d (and its
// argmax indices) and avg_pool2d. Each records one tape entry whose backward is a primitive of its
// own, itself differentiable (max_pool2d_backward's backward gathers at the indices,
// avg_pool2d_backward's is avg_pool2d), so gradients of any order work. Not offered: ceil_mode,
// avg_pool2d's divisor_override.
//
// All of them throw ShapeError, naming the op and the shapes, unless: the input has rank 3 or 4
// with C, H and W non-empty (N may be 0); kernel_size, stride and dilation are >= 1; 0 <= padding
// <= kernel_size / 2; and the dilated kernel fits the padded input, the output size along each
// axis being floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1 >= 1. Non-floating
// inputs throw DtypeError. stride defaults to kernel_size.
#pragma once
#include <optional>

#include "autograd/ops_reduce.hpp"
#include "autograd/size2.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

// The max of each window, padding counting as -inf. NaN counts as the max, as in PyTorch; of equal
// maxima the first in scan order (row by row) takes the gradient.
Tensor max_pool2d(const Tensor& input, Size2 kernel_size,
                  std::optional<Size2> stride = std::nullopt, Size2 padding = 0,
                  Size2 dilation = 1);
// max_pool2d's values, and the int64 position h * W + w of each max within its input plane. A
// window wholly in the padding (possible with dilation) gives -inf and index -1 (PyTorch gives an
// arbitrary position there).
ValuesIndices max_pool2d_with_indices(const Tensor& input, Size2 kernel_size,
                                      std::optional<Size2> stride = std::nullopt, Size2 padding = 0,
                                      Size2 dilation = 1);
// max_pool2d's gradient: zeros of input_shape with grad[..., i] added at position indices[..., i]
// of its plane; grad and indices have the pooled shape (same rank and leading dims as
// input_shape). ShapeError when they do not fit, IndexError for an index outside [-1, H * W).
Tensor max_pool2d_backward(const Tensor& grad, const Tensor& indices, const Shape& input_shape);

// max_pool2d(relu(input), ...), bitwise, values and gradients of any order. Over disjoint 2×2
// windows (the CNN's conv, ReLU, 2×2 max-pool) it is one primitive: relu's output is neither
// written nor kept, and its first-order backward is one pass (the gradient to each window's max
// when that is > 0), where relu and max_pool2d take two passes each way over the larger tensor.
// Any other window is the two ops. Errors as max_pool2d's, naming relu_max_pool2d.
Tensor relu_max_pool2d(const Tensor& input, Size2 kernel_size,
                       std::optional<Size2> stride = std::nullopt, Size2 padding = 0,
                       Size2 dilation = 1);

// The mean of each window: its sum over kernel_h * kernel_w (count_include_pad) or over the
// number of input elements it covers.
Tensor avg_pool2d(const Tensor& input, Size2 kernel_size,
                  std::optional<Size2> stride = std::nullopt, Size2 padding = 0,
                  bool count_include_pad = true);
// avg_pool2d's gradient (its transpose) for an input of input_shape: each grad element divided by
// its window's divisor and added to every input element of the window. grad must have the pooled
// shape.
Tensor avg_pool2d_backward(const Tensor& grad, const Shape& input_shape, Size2 kernel_size,
                           Size2 stride, Size2 padding, bool count_include_pad);

}  // namespace potatolemon
