// Internal to gemm: one product as strided views, and the plain loops for products too small to
// be worth packing (the layers of the XOR net).
#pragma once
#include <cstdint>

#include "autograd/kernels/gemm.hpp"

namespace potatolemon::kernels {

// C (+)= op(A) op(B) one dot product per element, summed in k order; C's columns must be
// contiguous (c.cs == 1). Defined for float and double.
template <class T>
void gemm_tiny(const Problem<T>& p);

}  // namespace potatolemon::kernels
