// Comparisons, logical ops, selection and masking, elementwise and arg extremes. Comparisons and
// logical ops return bool tensors and never record; where, masked_fill, maximum and minimum are
// differentiable; argmax and argmin return int64 indices. Binary ops broadcast as numpy and throw
// ShapeError naming the op and both shapes when they cannot.
#pragma once
#include <cstdint>

#include "autograd/tensor.hpp"

namespace potatolemon {

// a op b elementwise, broadcasting, for any dtypes: mixed ones compare in the later of bool,
// int64, float32, float64, as PyTorch promotes them. NaN compares unequal to everything, itself
// included.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
// x op value: a float tensor compares in its own precision (the value rounded to it, as PyTorch
// treats a Python number), int64 and bool compare in float32 (PyTorch promotes them to its
// default dtype, so 2^24 + 1 == 2^24).
Tensor eq(const Tensor& x, double value);
Tensor ne(const Tensor& x, double value);
Tensor lt(const Tensor& x, double value);
Tensor le(const Tensor& x, double value);
Tensor gt(const Tensor& x, double value);
Tensor ge(const Tensor& x, double value);

// Logical ops on any dtypes (mixed too): nonzero is true, NaN included. Binary forms broadcast.
Tensor logical_not(const Tensor& x);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);

// condition ? a : b elementwise, the three broadcast together. condition must be bool
// (DtypeError otherwise); a and b of one dtype, any (DtypeError when they differ: unlike PyTorch,
// differentiable ops do not promote). The gradient goes to the chosen side, summed back to its
// shape.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
// x with `value` (rounded to x's dtype) wherever mask (bool) is true; mask and x broadcast together
// as in PyTorch's out-of-place masked_fill. Gradient zero where filled. where(mask, value, x).
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

// Elementwise max and min, broadcasting; a and b of one dtype (DtypeError when they differ), any.
// NaN on either side gives NaN. At a
// tie each side gets half the gradient (PyTorch's convention: the central difference there); with
// a NaN each side gets all of it, as PyTorch.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// Index (int64) of the largest / smallest element, over the flattened tensor (rank-0 result) or
// along dim (negative counts from the end; a rank-0 input takes dim 0 or -1). Ties give the first
// index, NaN counts as the extreme (the first NaN wins), as PyTorch's CPU kernels. float32, float64
// or int64 (DtypeError for bool); ShapeError when the reduced dim (or the tensor) is empty.
Tensor argmax(const Tensor& x);
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x);
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim = false);

// Comparison operators as LibTorch's: bool tensors, not bools.
inline Tensor operator==(const Tensor& a, const Tensor& b) {
    return eq(a, b);
}
inline Tensor operator!=(const Tensor& a, const Tensor& b) {
    return ne(a, b);
}
inline Tensor operator<(const Tensor& a, const Tensor& b) {
    return lt(a, b);
}
inline Tensor operator<=(const Tensor& a, const Tensor& b) {
    return le(a, b);
}
inline Tensor operator>(const Tensor& a, const Tensor& b) {
    return gt(a, b);
}
inline Tensor operator>=(const Tensor& a, const Tensor& b) {
    return ge(a, b);
}
inline Tensor operator==(const Tensor& a, double b) {
    return eq(a, b);
}
inline Tensor operator!=(const Tensor& a, double b) {
    return ne(a, b);
}
inline Tensor operator<(const Tensor& a, double b) {
    return lt(a, b);
}
inline Tensor operator<=(const Tensor& a, double b) {
    return le(a, b);
}
inline Tensor operator>(const Tensor& a, double b) {
    return gt(a, b);
}
inline Tensor operator>=(const Tensor& a, double b) {
    return ge(a, b);
}
inline Tensor operator==(double a, const Tensor& b) {
    return eq(b, a);
}
inline Tensor operator!=(double a, const Tensor& b) {
    return ne(b, a);
}
inline Tensor operator<(double a, const Tensor& b) {
    return gt(b, a);
}
inline Tensor operator<=(double a, const Tensor& b) {
    return ge(b, a);
}
inline Tensor operator>(double a, const Tensor& b) {
    return lt(b, a);
}
inline Tensor operator>=(double a, const Tensor& b) {
    return le(b, a);
}

}  // namespace potatolemon
