// Smooth activations: GELU (exact and tanh forms), SiLU and ELU. Each is a primitive whose backward
// is an op of its own (gelu_backward, ... as in PyTorch), so a first backward is one kernel and
// gradients of gradients work. Any shape, float32 or float64 (evaluated in double, rounded once);
// results and derivatives stay finite for large finite |x|. Rectifiers live in ops_elementwise.
#pragma once
#include <string_view>

#include "autograd/tensor.hpp"

namespace potatolemon {

// x Φ(x), Φ the standard normal CDF (approximate = "none"), or PyTorch's tanh form
// 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (approximate = "tanh"). Throws ShapeError for any
// other `approximate`, DtypeError for int64.
Tensor gelu(const Tensor& x, std::string_view approximate = "none");
// grad gelu'(x) for the same `approximate`; grad and x of one shape and dtype (ShapeError,
// DtypeError).
Tensor gelu_backward(const Tensor& grad, const Tensor& x, std::string_view approximate = "none");

// x sigmoid(x) (swish).
Tensor silu(const Tensor& x);
// grad silu'(x) = grad s (1 + x (1 - s)), s = sigmoid(x); shapes must match.
Tensor silu_backward(const Tensor& grad, const Tensor& x);

// x for x > 0, alpha (e^x - 1) otherwise. elu'(0) = alpha: the x <= 0 branch, as PyTorch.
Tensor elu(const Tensor& x, double alpha = 1.0);
// grad elu'(x): grad for x > 0, grad alpha e^x for x <= 0; shapes must match.
Tensor elu_backward(const Tensor& grad, const Tensor& x, double alpha = 1.0);

}  // namespace potatolemon
