// Normalisation: layer_norm over an input's trailing dims and batch_norm over every dim but the
// channel dim (1). Each is one primitive: statistics in double in one kernel, a backward written
// in Tensor ops (gradients of any order). Mismatched shapes throw ShapeError, mixed dtypes
// DtypeError.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

// (x - mean) / sqrt(var + eps) * weight + bias, with the mean and biased variance taken over the
// last normalized_shape.size() dims of input, which must equal normalized_shape (non-empty).
// weight and bias, each of normalized_shape, are optional (undefined: 1 and 0).
Tensor layer_norm(const Tensor& input, const std::vector<std::int64_t>& normalized_shape,
                  const Tensor& weight = {}, const Tensor& bias = {}, double eps = 1e-5);

// (x - mean) / sqrt(var + eps) * weight + bias per channel of input [N, C, *] (rank >= 2: [N, C],
// [N, C, L], [N, C, H, W], ...); running_mean, running_var, weight and bias are [C] or undefined.
// Training (or without running stats) normalises with the batch's mean and biased variance over
// all dims but C and, when running stats are defined, updates them in place, outside the tape,
// once per call: r = (1 - momentum) r + momentum * batch_stat, the variance's unbiased (an empty
// batch leaves them). Not training, it normalises with the running stats.
// Throws ShapeError when training with one value per channel, and for stats or parameters not of
// shape [C] or running stats only one of which is defined.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = {}, const Tensor& bias = {}, bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

}  // namespace potatolemon
