// Numerical gradient checking in float64: the tape's gradients against central finite differences
// (gradcheck), and the same for second derivatives (gradgradcheck), as torch.autograd does.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

using TensorFn = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
    double eps = 1e-6;   // finite-difference step
    double atol = 1e-5;  // an entry passes when |analytic - numeric| <= atol + rtol * |numeric|
    double rtol = 1e-3;
};

struct GradcheckReport {
    bool passed = true;
    double max_abs_error = 0;
    double max_rel_error = 0;  // |analytic - numeric| / max(|numeric|, 1e-12) over all entries
    // The first failing entry of the Jacobian: which input, which of its elements (row-major) and
    // which output element; -1 when everything passed.
    int failing_input = -1;
    std::int64_t failing_element = -1;
    std::int64_t failing_output = -1;
    double analytic = 0, numeric = 0;  // at the failing entry
    std::string message;               // one line, for test logs
    explicit operator bool() const { return passed; }
};

// Compares d fn(inputs) / d input for every input that requires grad, entry by entry of the full
// Jacobian. Inputs must be float64 (DtypeError otherwise, advising .to(Dtype::float64)); fn must
// return a float64 tensor and be deterministic. Inputs are perturbed in place and restored.
GradcheckReport gradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs,
                          GradcheckOptions options = {});

// Central differences d fn / d inputs[i] for every input, of shape output.shape ++
// inputs[i].shape (jacobian()'s layout in functional.hpp). Every input must be float64 and fn must
// return float64 (DtypeError); inputs are perturbed in place and restored.
std::vector<Tensor> numeric_jacobian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                                     double eps = 1e-6);

// gradcheck of (inputs, v) ↦ grad(fn(inputs), inputs, v) with create_graph, for a random v of the
// output's shape: checks every backward formula's own derivatives.
GradcheckReport gradgradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs,
                              GradcheckOptions options = {});

}  // namespace potatolemon
