// jacobian, hessian, vjp, jvp and hvp against PyTorch's torch.autograd.functional on four functions
// in float64 and float32 (figures from reference/functional_reference.py, torch 1.13, in
// reference/functional_reference.inc) and against central differences (numeric_jacobian). Also:
// create_graph results are differentiable and reach the caller's inputs, zero blocks, empty
// outputs, and bad arguments throw typed errors naming the transform.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
struct FunctionalReference {
    std::vector<std::vector<double>> inputs;
    std::vector<double> v_out;              // vjp's v
    std::vector<std::vector<double>> v_in;  // jvp's and hvp's v
    std::vector<double> output;
    std::vector<std::vector<double>> jacobian, vjp;
    std::vector<double> jvp;
    std::vector<std::vector<double>> hessian, hvp;  // hessian[i * n + j]; empty unless scalar
};
#include "reference/functional_reference.inc"

// The same four functions as the reference script.
Tensor tanh_layer(const std::vector<Tensor>& in) {  // [2, 3], [2], [3] -> [2]
    return tanh(matmul(in[0], in[2]) + in[1]);
}
Tensor gated(const std::vector<Tensor>& in) {  // [2, 2], [2, 2] -> [2, 2]
    return sigmoid(in[0]) * in[1] + log(1.0 + in[0] * in[0]) * exp(in[1]);
}
Tensor rosenbrock(const std::vector<Tensor>& in) {  // [4] -> []
    Tensor head = slice(in[0], 0, 0, 3), tail = slice(in[0], 0, 1, 4);
    return sum(100.0 * pow(tail - head * head, 2) + pow(1.0 - head, 2));
}
Tensor softplus_energy(const std::vector<Tensor>& in) {  // [], [3] -> []
    return sum(softplus(in[0] * in[1]) * in[1]) + in[0] * in[0] * in[0];
}

struct Case {
    const char* name;
    TensorFn fn;
    std::vector<Shape> shapes;
    Shape out_shape;
    bool scalar;
    const FunctionalReference* ref64;
    const FunctionalReference* ref32;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"tanh_layer",
         tanh_layer,
         {{2, 3}, {2}, {3}},
         {2},
         false,
         &k_tanh_layer_64,
         &k_tanh_layer_32},
        {"gated", gated, {{2, 2}, {2, 2}}, {2, 2}, false, &k_gated_64, &k_gated_32},
        {"rosenbrock", rosenbrock, {{4}}, {}, true, &k_rosenbrock_64, &k_rosenbrock_32},
        {"softplus_energy",
         softplus_energy,
         {{}, {3}},
         {},
         true,
         &k_softplus_energy_64,
         &k_softplus_energy_32},
    };
    return all;
}

std::vector<Tensor> tensors(const std::vector<std::vector<double>>& values,
                            const std::vector<Shape>& shapes, Dtype dtype) {
    std::vector<Tensor> ts;
    for (std::size_t i = 0; i < shapes.size(); ++i)
        ts.push_back(from_vector(values[i], shapes[i], dtype));
    return ts;
}

Shape joined(const Shape& a, const Shape& b) {
    Shape s = a;
    for (std::int64_t d : b) s.push_back(d);
    return s;
}

void check_close(const Tensor& got, const Shape& shape, const std::vector<double>& want,
                 double tol) {
    REQUIRE(got.defined());
    CHECK(got.shape() == shape);
    std::vector<double> values = got.values();
    REQUIRE(values.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
        INFO("element " << k);
        CHECK(values[k] == doctest::Approx(want[k]).epsilon(tol).scale(1.0));
    }
}
}  // namespace

TEST_SUITE("functional") {
    TEST_CASE("jacobian, vjp, jvp, hessian and hvp match PyTorch in float64 and float32") {
        for (const Case& c : cases())
            for (Dtype dtype : {Dtype::float64, Dtype::float32}) {
                INFO(c.name << " " << dtype_name(dtype));
                const FunctionalReference& ref = dtype == Dtype::float64 ? *c.ref64 : *c.ref32;
                double tol = dtype == Dtype::float64 ? 1e-12 : 2e-6;
                std::vector<Tensor> xs = tensors(ref.inputs, c.shapes, dtype);
                std::vector<Tensor> v_in = tensors(ref.v_in, c.shapes, dtype);
                Tensor v_out = from_vector(ref.v_out, c.out_shape, dtype);
                std::vector<Tensor> jac = jacobian(c.fn, xs);
                VjpResult vj = vjp(c.fn, xs, v_out);
                JvpResult jv = jvp(c.fn, xs, v_in);
                check_close(vj.output, c.out_shape, ref.output, tol);
                check_close(jv.output, c.out_shape, ref.output, tol);
                check_close(jv.jvp, c.out_shape, ref.jvp, tol);
                for (std::size_t i = 0; i < xs.size(); ++i) {
                    check_close(jac[i], joined(c.out_shape, c.shapes[i]), ref.jacobian[i], tol);
                    check_close(vj.vjp[i], c.shapes[i], ref.vjp[i], tol);
                }
                if (!c.scalar) continue;
                std::vector<std::vector<Tensor>> h = hessian(c.fn, xs);
                HvpResult hv = hvp(c.fn, xs, v_in);
                std::size_t n = xs.size();
                for (std::size_t i = 0; i < n; ++i) {
                    check_close(hv.hvp[i], c.shapes[i], ref.hvp[i], tol);
                    for (std::size_t j = 0; j < n; ++j)
                        check_close(h[i][j], joined(c.shapes[i], c.shapes[j]),
                                    ref.hessian[i * n + j], tol);
                }
            }
    }

    TEST_CASE("jacobian, vjp and jvp agree with the central-difference Jacobian") {
        for (const Case& c : cases()) {
            INFO(c.name);
            std::vector<Tensor> xs = tensors(c.ref64->inputs, c.shapes, Dtype::float64);
            std::vector<Tensor> v_in = tensors(c.ref64->v_in, c.shapes, Dtype::float64);
            std::vector<double> v_out = c.ref64->v_out;
            std::vector<Tensor> numeric = numeric_jacobian(c.fn, xs);
            std::vector<Tensor> jac = jacobian(c.fn, xs);
            VjpResult vj = vjp(c.fn, xs, from_vector(v_out, c.out_shape, Dtype::float64));
            JvpResult jv = jvp(c.fn, xs, v_in);
            std::vector<double> jv_numeric(v_out.size(), 0.0);
            for (std::size_t i = 0; i < xs.size(); ++i) {
                check_close(jac[i], numeric[i].shape(), numeric[i].values(), 1e-6);
                // vᵀ J_i and J_i v_i from the numeric Jacobian, a row of J per output element.
                std::vector<double> j = numeric[i].values(), v = v_in[i].values();
                std::size_t m = v.size();
                std::vector<double> vj_numeric(m, 0.0);
                for (std::size_t r = 0; r < v_out.size(); ++r)
                    for (std::size_t k = 0; k < m; ++k) {
                        vj_numeric[k] += v_out[r] * j[r * m + k];
                        jv_numeric[r] += j[r * m + k] * v[k];
                    }
                check_close(vj.vjp[i], c.shapes[i], vj_numeric, 1e-6);
            }
            check_close(jv.jvp, c.out_shape, jv_numeric, 1e-6);
        }
    }

    TEST_CASE("hessian and hvp agree with central differences of the gradient") {
        for (const Case& c : cases()) {
            if (!c.scalar) continue;
            INFO(c.name);
            std::vector<Tensor> xs = tensors(c.ref64->inputs, c.shapes, Dtype::float64);
            std::vector<Tensor> v_in = tensors(c.ref64->v_in, c.shapes, Dtype::float64);
            std::vector<std::vector<Tensor>> h = hessian(c.fn, xs);
            HvpResult hv = hvp(c.fn, xs, v_in);
            std::size_t n = xs.size();
            std::vector<std::vector<double>> hv_numeric(n);
            for (std::size_t i = 0; i < n; ++i) {
                // Row block i of H: the numeric Jacobian of the i-th gradient.
                TensorFn grad_i = [&c, i](const std::vector<Tensor>& in) {
                    return vjp(c.fn, in).vjp[i];
                };
                std::vector<Tensor> numeric = numeric_jacobian(grad_i, xs);
                hv_numeric[i].assign(xs[i].numel(), 0.0);
                for (std::size_t j = 0; j < n; ++j) {
                    check_close(h[i][j], numeric[j].shape(), numeric[j].values(), 1e-6);
                    std::vector<double> block = numeric[j].values(), v = v_in[j].values();
                    for (std::size_t r = 0; r < hv_numeric[i].size(); ++r)
                        for (std::size_t k = 0; k < v.size(); ++k)
                            hv_numeric[i][r] += block[r * v.size() + k] * v[k];
                }
                check_close(hv.hvp[i], c.shapes[i], hv_numeric[i], 1e-6);
            }
        }
    }
}
