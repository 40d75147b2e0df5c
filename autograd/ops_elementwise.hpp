// Elementwise ops with numpy broadcasting. Binary ops throw ShapeError when shapes do not
// broadcast and DtypeError on mixed dtypes; gradients are summed back to each input's shape.
#pragma once
#include "autograd/tensor.hpp"

namespace potatolemon {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);
Tensor pow(const Tensor& x, double exponent);  // x^p; for non-integer p keep x > 0
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);  // abs'(0) = 0
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // 1/(1+e^-x), stable for large |x|
// The backward formulas of tanh and sigmoid from their results y, as ops of their own (like
// PyTorch's): grad (1 - y^2) and grad y (1 - y). Shapes must match.
Tensor tanh_backward(const Tensor& grad, const Tensor& y);
Tensor sigmoid_backward(const Tensor& grad, const Tensor& y);
// max(x, 0) as PyTorch's clamp_min: NaN and -0 pass through; relu'(0) = 0, relu'(NaN) = 1.
Tensor relu(const Tensor& x);
// relu's backward as an op of its own (like PyTorch's): +0 where x <= 0 (also for a NaN or
// infinite grad), else grad (also where x is NaN). Shapes must match.
Tensor threshold_backward(const Tensor& grad, const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);  // slope used at 0
Tensor clamp(const Tensor& x, double min, double max);  // gradient 1 on [min, max], bounds included
Tensor softplus(const Tensor& x);                       // log(1 + e^x), finite for any x
Tensor log_sigmoid(const Tensor& x);  // log(sigmoid(x)) = -softplus(-x), finite for any x

// x * scale + shift, elementwise, in the tensor's dtype.
Tensor affine(const Tensor& x, double scale, double shift);

// Scalar forms: +, - and * go through affine; / divides by a rank-0 tensor of the tensor's dtype
// (true division, as PyTorch, not multiplication by a rounded reciprocal).
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor sub(double a, const Tensor& b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);
Tensor div(double a, const Tensor& b);

inline Tensor operator+(const Tensor& a, const Tensor& b) {
    return add(a, b);
}
inline Tensor operator-(const Tensor& a, const Tensor& b) {
    return sub(a, b);
}
inline Tensor operator*(const Tensor& a, const Tensor& b) {
    return mul(a, b);
}
inline Tensor operator/(const Tensor& a, const Tensor& b) {
    return div(a, b);
}
inline Tensor operator-(const Tensor& x) {
    return neg(x);
}
inline Tensor operator+(const Tensor& a, double b) {
    return add(a, b);
}
inline Tensor operator+(double a, const Tensor& b) {
    return add(b, a);
}
inline Tensor operator-(const Tensor& a, double b) {
    return sub(a, b);
}
inline Tensor operator-(double a, const Tensor& b) {
    return sub(a, b);
}
inline Tensor operator*(const Tensor& a, double b) {
    return mul(a, b);
}
inline Tensor operator*(double a, const Tensor& b) {
    return mul(b, a);
}
inline Tensor operator/(const Tensor& a, double b) {
    return div(a, b);
}
inline Tensor operator/(double a, const Tensor& b) {
    return div(a, b);
}

}  // namespace potatolemon
