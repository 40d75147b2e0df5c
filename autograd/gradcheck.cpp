#include "autograd/gradcheck.hpp"

#include <cmath>
#include <sstream>

#include "autograd/factories.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
void check_float64(const std::vector<Tensor>& inputs, const char* op) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        check_defined(inputs[i], op);
        if (inputs[i].requires_grad() && inputs[i].dtype() != Dtype::float64)
            throw DtypeError(std::string(op) + ": input " + std::to_string(i) + " is " +
                             dtype_name(inputs[i].dtype()) + " " + to_string(inputs[i].shape()) +
                             "; finite differences need float64, use .to(Dtype::float64)");
    }
}

Tensor evaluate(const TensorFn& fn, const std::vector<Tensor>& inputs, const char* op) {
    Tensor out = fn(inputs);
    check_defined(out, op);
    if (out.dtype() != Dtype::float64)
        throw DtypeError(std::string(op) + ": fn returned " + dtype_name(out.dtype()) +
                         "; it must return float64");
    return out;
}

// numeric[j] = (f(x + eps e_k) - f(x - eps e_k))_j / (2 eps): column k of the Jacobian.
// Grad mode stays on: fn may itself take gradients (gradgradcheck's first derivative).
std::vector<double> numeric_column(const TensorFn& fn, const std::vector<Tensor>& inputs,
                                   const Tensor& x, std::int64_t k, double eps) {
    double* p = x.data<double>();
    double saved = p[k];
    p[k] = saved + eps;
    std::vector<double> plus = evaluate(fn, inputs, "gradcheck").values();
    p[k] = saved - eps;
    std::vector<double> minus = evaluate(fn, inputs, "gradcheck").values();
    p[k] = saved;
    for (std::size_t j = 0; j < plus.size(); ++j) plus[j] = (plus[j] - minus[j]) / (2 * eps);
    return plus;
}

// rows[j][i] = d out_j / d inputs[i], flattened, via one backward per output element.
std::vector<std::vector<std::vector<double>>> analytic_rows(const Tensor& out,
                                                            const std::vector<Tensor>& inputs) {
    std::vector<std::vector<std::vector<double>>> rows(out.numel());
    for (std::int64_t j = 0; j < out.numel(); ++j) {
        std::vector<Tensor> grads;
        if (out.requires_grad()) {
            Tensor seed = zeros(out.shape(), Dtype::float64);
            seed.data<double>()[j] = 1;
            grads = grad({out}, inputs, {seed}, {.retain_graph = true, .allow_unused = true});
        }
        for (std::size_t i = 0; i < inputs.size(); ++i)
            rows[j].push_back(i < grads.size() && grads[i].defined()
                                  ? grads[i].values()
                                  : std::vector<double>(inputs[i].numel(), 0.0));
    }
    return rows;
}

void compare(GradcheckReport& r, double analytic, double numeric, int input, std::int64_t element,
             std::int64_t output, const GradcheckOptions& o) {
    double err = std::abs(analytic - numeric);
    if (std::isnan(err)) err = INFINITY;
    r.max_abs_error = std::max(r.max_abs_error, err);
    r.max_rel_error = std::max(r.max_rel_error, err / std::max(std::abs(numeric), 1e-12));
    if (err <= o.atol + o.rtol * std::abs(numeric) || !r.passed) return;
    r.passed = false;
    r.failing_input = input;
    r.failing_element = element;
    r.failing_output = output;
    r.analytic = analytic;
    r.numeric = numeric;
}
}  // namespace

GradcheckReport gradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs,
                          GradcheckOptions options) {
    check_float64(inputs, "gradcheck");
    std::vector<Tensor> wrt;
    std::vector<int> wrt_index;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].requires_grad()) wrt.push_back(inputs[i]), wrt_index.push_back(int(i));
    if (wrt.empty()) throw GraphError("gradcheck: no input requires grad");
    Tensor out = evaluate(fn, inputs, "gradcheck");
    auto rows = analytic_rows(out, wrt);
    GradcheckReport report;
    for (std::size_t i = 0; i < wrt.size(); ++i)
        for (std::int64_t k = 0; k < wrt[i].numel(); ++k) {
            std::vector<double> column = numeric_column(fn, inputs, wrt[i], k, options.eps);
            for (std::int64_t j = 0; j < out.numel(); ++j)
                compare(report, rows[j][i][k], column[j], wrt_index[i], k, j, options);
        }
    std::ostringstream msg;
    msg << (report.passed ? "gradcheck passed" : "gradcheck FAILED") << ": max abs error "
        << report.max_abs_error << ", max rel error " << report.max_rel_error;
    if (!report.passed)
        msg << "; first failure at input " << report.failing_input << " element "
            << report.failing_element << " (output " << report.failing_output << "): analytic "
            << report.analytic << " vs numeric " << report.numeric;
    report.message = msg.str();
    return report;
}

std::vector<Tensor> numeric_jacobian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                                     double eps) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        check_defined(inputs[i], "numeric_jacobian");
        if (inputs[i].dtype() != Dtype::float64)
            throw DtypeError("numeric_jacobian: input " + std::to_string(i) + " is " +
                             dtype_name(inputs[i].dtype()) + "; finite differences need float64");
    }
    Tensor out = evaluate(fn, inputs, "numeric_jacobian");
    std::vector<Tensor> jacobians;
    for (const Tensor& x : inputs) {
        Shape shape = out.shape();
        for (std::int64_t d : x.shape()) shape.push_back(d);
        Tensor jacobian = zeros(shape, Dtype::float64);
        double* entries = jacobian.data<double>();  // row r (an output element), column k
        for (std::int64_t k = 0; k < x.numel(); ++k) {
            std::vector<double> column = numeric_column(fn, inputs, x, k, eps);
            for (std::int64_t r = 0; r < out.numel(); ++r) entries[r * x.numel() + k] = column[r];
        }
        jacobians.push_back(jacobian);
    }
    return jacobians;
}

GradcheckReport gradgradcheck(const TensorFn& fn, const std::vector<Tensor>& inputs,
                              GradcheckOptions options) {
    check_float64(inputs, "gradgradcheck");
    Tensor out = evaluate(fn, inputs, "gradgradcheck");
    Generator gen(0x9e3779b9);
    Tensor v = randn(out.shape(), gen, Dtype::float64).requires_grad_();
    std::vector<Tensor> with_v = inputs;
    with_v.push_back(v);
    // (inputs, v) ↦ concat of the flattened vector-Jacobian products, recorded for differentiation.
    TensorFn first_derivative = [&fn, n = inputs.size()](const std::vector<Tensor>& xs) {
        std::vector<Tensor> originals(xs.begin(), xs.begin() + n), wrt;
        for (const Tensor& x : originals)
            if (x.requires_grad()) wrt.push_back(x);
        Tensor y = fn(originals);
        std::vector<Tensor> grads;
        if (y.requires_grad())
            grads = grad({y}, wrt, {xs[n]}, {.create_graph = true, .allow_unused = true});
        std::vector<Tensor> flat;
        for (std::size_t i = 0; i < wrt.size(); ++i)
            flat.push_back(i < grads.size() && grads[i].defined()
                               ? view(grads[i], Shape{wrt[i].numel()})
                               : zeros(Shape{wrt[i].numel()}, Dtype::float64));
        return concat(flat, 0);
    };
    GradcheckReport report = gradcheck(first_derivative, with_v, options);
    report.message = "grad" + report.message;
    return report;
}

}  // namespace potatolemon
