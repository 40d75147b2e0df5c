// jacobian, hessian, vjp, jvp and hvp against PyTorch's torch.autograd.functional on four functions
// in float64 and float32 (figures from reference/functional_reference.py, torch 1.13, in
// reference/functional_reference.inc) and against central differences (numeric_jacobian). Also:
// create_graph results are differentiable and reach the caller's inputs, zero blocks, empty
// outputs, and bad arguments throw typed errors naming the transform.
#include <doctest/doctest.h>

#include <cmath>
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

// The results of a transform flattened and joined: one output for gradcheck.
Tensor joined_flat(const std::vector<Tensor>& ts) {
    std::vector<Tensor> flat;
    for (const Tensor& t : ts) flat.push_back(flatten(t));
    return concat(flat, 0);
}

std::vector<Tensor> with_grad(std::vector<Tensor> ts) {
    for (Tensor& t : ts) t.requires_grad_();
    return ts;
}

// Within tol relative to the expected value, or absolute below 1.
void check_close(const Tensor& got, const Shape& shape, const std::vector<double>& want,
                 double tol) {
    REQUIRE(got.defined());
    CHECK(got.shape() == shape);
    std::vector<double> values = got.values();
    REQUIRE(values.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
        INFO("element " << k << ": " << values[k] << " vs " << want[k]);
        CHECK(std::abs(values[k] - want[k]) <= tol * (1 + std::abs(want[k])));
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

    TEST_CASE("create_graph: each transform's result passes gradcheck in its inputs and v") {
        auto x = [](const Case& c) { return tensors(c.ref64->inputs, c.shapes, Dtype::float64); };
        auto v = [](const Case& c) { return tensors(c.ref64->v_in, c.shapes, Dtype::float64); };
        const Case &layer = cases()[0], &gate = cases()[1], &rosen = cases()[2],
                   &energy = cases()[3];
        FunctionalOptions cg{.create_graph = true};
        std::vector<Tensor> gate_xv = with_grad(x(gate)), energy_xv = with_grad(x(energy));
        for (const Tensor& t : v(gate)) gate_xv.push_back(t.detach().requires_grad_());
        for (const Tensor& t : v(energy)) energy_xv.push_back(t.detach().requires_grad_());
        Tensor v_out = from_vector(gate.ref64->v_out, gate.out_shape, Dtype::float64);
        gate_xv.push_back(v_out.requires_grad_());
        TensorFn jacobian_fn = [&](const std::vector<Tensor>& in) {
            return joined_flat(jacobian(layer.fn, in, cg));
        };
        TensorFn vjp_fn = [&](const std::vector<Tensor>& in) {
            return joined_flat(vjp(gate.fn, {in[0], in[1]}, in[4], cg).vjp);
        };
        TensorFn jvp_fn = [&](const std::vector<Tensor>& in) {
            return jvp(gate.fn, {in[0], in[1]}, {in[2], in[3]}, cg).jvp;
        };
        TensorFn hessian_fn = [&](const std::vector<Tensor>& in) {
            return flatten(hessian(rosen.fn, in, cg)[0][0]);
        };
        TensorFn hvp_fn = [&](const std::vector<Tensor>& in) {
            return joined_flat(hvp(energy.fn, {in[0], in[1]}, {in[2], in[3]}, cg).hvp);
        };
        GradcheckReport reports[] = {
            gradcheck(jacobian_fn, with_grad(x(layer))),
            gradcheck(vjp_fn, gate_xv),
            gradcheck(jvp_fn, gate_xv),
            gradcheck(hessian_fn, with_grad(x(rosen))),
            gradcheck(hvp_fn, energy_xv),
            gradgradcheck(jvp_fn, gate_xv),
        };
        for (const GradcheckReport& r : reports) {
            INFO(r.message);
            CHECK(r.passed);
        }
    }

    TEST_CASE("create_graph: backward through a gradient reaches the caller's input as H v") {
        const Case& rosen = cases()[2];
        Tensor x = from_vector(rosen.ref64->inputs[0], {4}, Dtype::float64).requires_grad_();
        Tensor v = from_vector(rosen.ref64->v_in[0], {4}, Dtype::float64);
        VjpResult g = vjp(rosen.fn, {x}, {}, {.create_graph = true});
        CHECK(g.output.requires_grad());
        sum(g.vjp[0] * v).backward();
        check_close(x.grad(), {4}, hvp(rosen.fn, {x}, {v}).hvp[0].values(), 1e-12);
    }

    TEST_CASE("without create_graph: results are detached and the caller's graph is untouched") {
        Tensor x = tensor({0.5, -1.0}, Dtype::float64).requires_grad_();
        Tensor y = x * 2.0;  // a non-leaf input
        TensorFn square = [](const std::vector<Tensor>& in) { return sum(in[0] * in[0]); };
        std::vector<Tensor> jac = jacobian(square, {y});
        HvpResult hv = hvp(square, {y}, {ones({2}, Dtype::float64)});
        VjpResult vj = vjp(square, {y});
        for (const Tensor& t : {jac[0], hv.output, hv.hvp[0], vj.output, vj.vjp[0]})
            CHECK(!t.requires_grad());
        CHECK(!x.grad().defined());
        check_close(vj.vjp[0], {2}, {2.0, -4.0}, 1e-15);
        sum(y).backward();
        check_close(x.grad(), {2}, {2.0, 2.0}, 1e-15);
    }

    TEST_CASE("transforms run under a caller's NoGradGuard and leave it in place") {
        const Case& gate = cases()[1];
        NoGradGuard no_grad;
        std::vector<Tensor> jac =
            jacobian(gate.fn, tensors(gate.ref64->inputs, gate.shapes, Dtype::float64));
        check_close(jac[1], {2, 2, 2, 2}, gate.ref64->jacobian[1], 1e-12);
        CHECK(!grad_mode_enabled());
    }

    TEST_CASE("an input the output ignores: GraphError naming it, or zeros with allow_unused") {
        Tensor x = tensor({0.5, -1.0}, Dtype::float64), y = tensor({1, 2, 3}, Dtype::float64);
        TensorFn twice = [](const std::vector<Tensor>& in) { return in[0] * 2.0; };
        TensorFn square = [](const std::vector<Tensor>& in) { return sum(in[0] * in[0]); };
        Tensor v2 = ones({2}, Dtype::float64), v3 = ones({3}, Dtype::float64);
        const char* message = "the output does not depend on input 1 [3]";
        CHECK_THROWS_WITH_AS(jacobian(twice, {x, y}), doctest::Contains(message), GraphError);
        CHECK_THROWS_WITH_AS(vjp(twice, {x, y}, v2), doctest::Contains(message), GraphError);
        CHECK_THROWS_WITH_AS(jvp(twice, {x, y}, {v2, v3}), doctest::Contains(message), GraphError);
        CHECK_THROWS_WITH_AS(hessian(square, {x, y}), doctest::Contains("hessian:"), GraphError);
        CHECK_THROWS_WITH_AS(hvp(square, {x, y}, {v2, v3}), doctest::Contains("hvp:"), GraphError);
        TensorFn constant = [](const std::vector<Tensor>&) { return ones({2}, Dtype::float64); };
        CHECK_THROWS_WITH_AS(vjp(constant, {x}, v2), doctest::Contains("vjp: the output"),
                             GraphError);
        FunctionalOptions allow{.allow_unused = true};
        check_close(jacobian(twice, {x, y}, allow)[1], {2, 3}, std::vector<double>(6, 0.0), 0);
        check_close(vjp(twice, {x, y}, v2, allow).vjp[1], {3}, {0, 0, 0}, 0);
        check_close(jvp(twice, {x, y}, {v2, v3}, allow).jvp, {2}, {2, 2}, 0);
        check_close(vjp(constant, {x}, v2, allow).vjp[0], {2}, {0, 0}, 0);
        std::vector<std::vector<Tensor>> h = hessian(square, {x, y}, allow);
        check_close(h[0][0], {2, 2}, {2, 0, 0, 2}, 0);
        check_close(h[0][1], {2, 3}, std::vector<double>(6, 0.0), 0);
        check_close(h[1][1], {3, 3}, std::vector<double>(9, 0.0), 0);
        check_close(hvp(square, {x, y}, {v2, v3}, allow).hvp[1], {3}, {0, 0, 0}, 0);
    }

    TEST_CASE("hessian: blocks the gradient does not reach are zeros, not errors") {
        // f = Σ x³ + Σ y: the gradient in y is constant and the one in x ignores y.
        TensorFn f = [](const std::vector<Tensor>& in) {
            return sum(in[0] * in[0] * in[0]) + sum(in[1]);
        };
        Tensor x = tensor({0.5, -1.0}, Dtype::float64), y = tensor({1, 2, 3}, Dtype::float64);
        std::vector<std::vector<Tensor>> h = hessian(f, {x, y});
        check_close(h[0][0], {2, 2}, {3, 0, 0, -6}, 1e-15);
        check_close(h[0][1], {2, 3}, std::vector<double>(6, 0.0), 0);
        check_close(h[1][0], {3, 2}, std::vector<double>(6, 0.0), 0);
        check_close(h[1][1], {3, 3}, std::vector<double>(9, 0.0), 0);
        HvpResult hv = hvp(f, {x, y}, {ones({2}, Dtype::float64), ones({3}, Dtype::float64)});
        check_close(hv.hvp[0], {2}, {3, -6}, 1e-15);
        check_close(hv.hvp[1], {3}, {0, 0, 0}, 0);
    }

    TEST_CASE("rank-0 inputs and outputs; v may be omitted where everything has one element") {
        TensorFn cube = [](const std::vector<Tensor>& in) { return in[0] * in[0] * in[0]; };
        Tensor a = scalar_tensor(2.0, Dtype::float32);
        check_close(jacobian(cube, {a})[0], {}, {12}, 0);
        check_close(vjp(cube, {a}).vjp[0], {}, {12}, 0);
        check_close(jvp(cube, {a}).jvp, {}, {12}, 0);
        check_close(hessian(cube, {a})[0][0], {}, {12}, 0);
        check_close(hvp(cube, {a}).hvp[0], {}, {12}, 0);
    }

    TEST_CASE("identity: the Jacobian is I, vjp and jvp return v, the Hessian of Σx is zero") {
        TensorFn identity = [](const std::vector<Tensor>& in) { return in[0]; };
        Tensor x = tensor({1, 2}, Dtype::float64), v = tensor({3, -4}, Dtype::float64);
        check_close(jacobian(identity, {x})[0], {2, 2}, {1, 0, 0, 1}, 0);
        check_close(vjp(identity, {x}, v).vjp[0], {2}, {3, -4}, 0);
        check_close(jvp(identity, {x}, {v}).jvp, {2}, {3, -4}, 0);
        TensorFn total = [](const std::vector<Tensor>& in) { return sum(in[0]); };
        check_close(hessian(total, {x})[0][0], {2, 2}, {0, 0, 0, 0}, 0);
    }

    TEST_CASE("empty outputs and inputs give empty Jacobians of the joined shape") {
        TensorFn none = [](const std::vector<Tensor>& in) { return slice(in[0], 0, 0, 0); };
        TensorFn twice = [](const std::vector<Tensor>& in) { return in[0] * 2.0; };
        Tensor x = tensor({1, 2, 3}, Dtype::float64), empty = zeros({0, 2}, Dtype::float64);
        CHECK(jacobian(none, {x})[0].shape() == Shape{0, 3});
        CHECK(jacobian(twice, {empty})[0].shape() == Shape{0, 2, 0, 2});
        CHECK(vjp(none, {x}, zeros({0}, Dtype::float64)).vjp[0].values() ==
              std::vector<double>{0, 0, 0});
        CHECK(jvp(twice, {empty}, {empty}).jvp.shape() == Shape{0, 2});
    }

    TEST_CASE("bad v, a non-scalar fn for hessian and hvp, and bad inputs throw naming the op") {
        const Case& layer = cases()[0];
        std::vector<Tensor> xs = tensors(layer.ref64->inputs, layer.shapes, Dtype::float64);
        Tensor v2 = ones({2}, Dtype::float64), v3 = ones({3}, Dtype::float64);
        Tensor v23 = ones({2, 3}, Dtype::float64);
        CHECK_THROWS_WITH_AS(vjp(layer.fn, xs, v3),
                             doctest::Contains("vjp: v has shape [3] but the output has shape [2]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(vjp(layer.fn, xs), doctest::Contains("vjp: v is needed"), ShapeError);
        CHECK_THROWS_WITH_AS(vjp(layer.fn, xs, ones({2})), doctest::Contains("vjp"), DtypeError);
        CHECK_THROWS_WITH_AS(jvp(layer.fn, xs, {v23}),
                             doctest::Contains("jvp: 3 inputs but 1 tensors in v"), ShapeError);
        CHECK_THROWS_WITH_AS(jvp(layer.fn, xs, {v23, v3, v3}),
                             doctest::Contains("jvp: v[1] has shape [3] but input 1 has shape [2]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(jvp(layer.fn, xs), doctest::Contains("jvp: v is needed"), ShapeError);
        CHECK_THROWS_WITH_AS(hvp(layer.fn, xs, {v23, v2, v3}),
                             doctest::Contains("hvp: fn must return a single element, got [2]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(hessian(layer.fn, xs), doctest::Contains("hessian: fn must return"),
                             ShapeError);
        Tensor indices = arange(3, Dtype::int64);
        CHECK_THROWS_WITH_AS(jacobian(layer.fn, {indices}), doctest::Contains("jacobian"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(numeric_jacobian(layer.fn, {ones({2, 3}), v2, v3}),
                             doctest::Contains("numeric_jacobian: input 0 is float32"), DtypeError);
        TensorFn undefined = [](const std::vector<Tensor>&) { return Tensor(); };
        CHECK_THROWS_WITH_AS(jacobian(undefined, xs), doctest::Contains("jacobian"), GraphError);
    }
}
