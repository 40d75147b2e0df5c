// Functional transforms in the style of torch.autograd.functional: jacobian, hessian, vjp, jvp and
// hvp of a function of several tensors, all built on reverse mode (`grad`). jvp and hvp use the
// double-vjp trick, so they cost two backward passes and need every backward on the path to be
// differentiable, which the op table's gradgradcheck guarantees. There is no forward mode here.
#pragma once
#include <vector>

#include "autograd/gradcheck.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

// fn is a TensorFn: several input tensors, one output tensor of any shape (a function with several
// outputs can concat their flattened values). fn is called once per transform, under grad mode even
// inside a NoGradGuard, on copies of the inputs that require grad; the caller's tensors and their
// .grad are left alone.
struct FunctionalOptions {
    // Results (and the returned output) keep their graph, so they can be differentiated again with
    // respect to the inputs that require grad and to v; otherwise they are detached.
    bool create_graph = false;
    // An input the output does not depend on gets zeros; otherwise GraphError naming the input
    // (torch's strict=True; torch defaults to zeros).
    bool allow_unused = false;
};

struct VjpResult {
    Tensor output;            // fn(inputs)
    std::vector<Tensor> vjp;  // vᵀ J for each input, of that input's shape
};
struct JvpResult {
    Tensor output;  // fn(inputs)
    Tensor jvp;     // Σ_i J_i v_i, of the output's shape
};
struct HvpResult {
    Tensor output;            // fn(inputs), one element
    std::vector<Tensor> hvp;  // Σ_j H_ij v_j for each input i, of that input's shape
};

// J_i = d fn / d inputs[i] for each input, of shape output.shape ++ inputs[i].shape (one backward
// per output element, as torch's reverse-mode strategy). Throws DtypeError for a non-floating
// input or output, GraphError for an input the output does not depend on (unless allow_unused).
std::vector<Tensor> jacobian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                             FunctionalOptions options = {});

// H[i][j] = d² fn / d inputs[i] d inputs[j], of shape inputs[i].shape ++ inputs[j].shape, for fn
// returning one element (ShapeError otherwise). A block the gradient does not depend on (a
// separable or linear fn) is zeros; GraphError only when fn itself ignores an input (unless
// allow_unused).
std::vector<std::vector<Tensor>> hessian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                                         FunctionalOptions options = {});

// vᵀ J for v of the output's shape and dtype (ShapeError, DtypeError otherwise); v may be left
// undefined when the output has one element. GraphError as jacobian.
VjpResult vjp(const TensorFn& fn, const std::vector<Tensor>& inputs, const Tensor& v = {},
              FunctionalOptions options = {});

// J v for v holding one tensor per input, of its shape and dtype (ShapeError, DtypeError
// otherwise); v may be empty when every input has one element. Double-vjp trick: with u a dummy
// cotangent, g(u) = Jᵀ u is linear in u and d <g(u), v> / du = J v. GraphError as jacobian.
JvpResult jvp(const TensorFn& fn, const std::vector<Tensor>& inputs,
              const std::vector<Tensor>& v = {}, FunctionalOptions options = {});

// H v for fn returning one element and v as for jvp: the gradient of <grad fn, v> (H is
// symmetric, so this is also torch's vhp). Errors as hessian and jvp.
HvpResult hvp(const TensorFn& fn, const std::vector<Tensor>& inputs,
              const std::vector<Tensor>& v = {}, FunctionalOptions options = {});

}  // namespace potatolemon
