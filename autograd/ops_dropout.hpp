// Dropout: zeroes elements at random while training and scales the rest by 1 / (1 - p) (inverted
// dropout), so evaluation needs no rescaling. The mask comes from a Generator: a seed fixes a run,
// whatever the thread count.
#pragma once
#include "autograd/generator.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

// Returns x itself (nothing recorded, no numbers drawn) when !training or p == 0, and x * 0
// (gradient zero, no numbers drawn) when p == 1. Otherwise draws one gen.uniform_float() per
// element in row-major order and keeps element i when its draw u_i >= p: out_i = x_i * 1/(1 - p),
// else 0; the backward multiplies by the same saved mask. Throws ShapeError unless 0 <= p <= 1
// (NaN included), DtypeError for int64.
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen = default_generator());

}  // namespace potatolemon
