// GELU (both forms), SiLU and ELU against torch 1.13: values, first and second derivatives from
// -1e30 to 1e30 in float32 and float64 (reference/activation_reference.py wrote
// reference/activation_reference.inc), the conventions at 0, and the errors naming the op.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <iomanip>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
struct ActivationReference {
    std::string function;
    std::vector<std::vector<double>> rows;  // x, f(x), f'(x), f''(x)
};
#include "reference/activation_reference.inc"

std::function<Tensor(const Tensor&)> activation(const std::string& name) {
    if (name == "gelu") return [](const Tensor& x) { return gelu(x); };
    if (name == "gelu_tanh") return [](const Tensor& x) { return gelu(x, "tanh"); };
    if (name == "silu") return [](const Tensor& x) { return silu(x); };
    if (name == "elu") return [](const Tensor& x) { return elu(x); };
    if (name == "elu_alpha_0.5") return [](const Tensor& x) { return elu(x, 0.5); };
    REQUIRE(name == "elu_alpha_2.5");
    return [](const Tensor& x) { return elu(x, 2.5); };
}

// |ours - torch| <= atol + rtol |torch|, per figure: f, f' and f''.
struct Tolerance {
    double atol, rtol;
};

void check_against(const std::vector<ActivationReference>& reference, Dtype dtype,
                   const Tolerance (&tolerance)[3]) {
    for (const ActivationReference& ref : reference) {
        std::vector<double> xs;
        for (const auto& row : ref.rows) xs.push_back(row[0]);
        Tensor x = from_vector(xs, Shape{std::int64_t(xs.size())}, dtype).requires_grad_();
        Tensor y = activation(ref.function)(x);
        Tensor dy = grad({sum(y)}, {x}, {}, {.create_graph = true})[0];
        Tensor d2y = grad({sum(dy)}, {x})[0];
        std::vector<double> ours[3] = {y.values(), dy.values(), d2y.values()};
        for (std::size_t i = 0; i < xs.size(); ++i)
            for (int k = 0; k < 3; ++k) {
                double want = ref.rows[i][k + 1];
                std::ostringstream figures;
                figures << std::setprecision(17) << "x = " << xs[i] << " derivative " << k
                        << ": ours " << ours[k][i] << " torch " << want;
                INFO(ref.function, " ", std::string(dtype_name(dtype)), " ", figures.str());
                CHECK(std::isfinite(ours[k][i]));
                CHECK(std::abs(ours[k][i] - want) <=
                      tolerance[k].atol + tolerance[k].rtol * std::abs(want));
            }
    }
}
}  // namespace

TEST_SUITE("ops_activation") {
    // Up to 1e-14 apart: torch's float64 figures lose digits where 1 + erf(x/√2), 1 + tanh u or
    // 1 - sigmoid(x) cancel (gelu_tanh(-5), silu''(20)), which our erfc and sigmoid forms avoid.
    TEST_CASE("gelu, silu and elu match torch in float64, derivatives up to the second") {
        check_against(kReferenceF64, Dtype::float64,
                      {{1e-14, 1e-13}, {1e-14, 1e-13}, {1e-14, 1e-13}});
    }

    // Values and first derivatives are evaluated in double and rounded once: within half an ulp
    // (2^-24 relative) of the exact figures (float64 at the same inputs), apart from 1e-15 where
    // torch's float64 cancels (gelu'(-10) is -7.6184e-22, torch says -7.6946e-22). Second
    // derivatives are Tensor ops in float, a few roundings each.
    TEST_CASE("gelu, silu and elu in float32 are within half an ulp of the exact figures") {
        check_against(kReferenceF64AtF32Inputs, Dtype::float32,
                      {{1e-15, 6e-8}, {1e-15, 6e-8}, {1e-15, 1e-6}});
    }

    // torch's float32 figures themselves err by up to ~5e-7 absolute: in the left tails, where
    // 1 + erf and 1 + tanh cancel (gelu_tanh(-5) is -2.98e-7 there against -2.29e-7 exactly), and
    // by an ulp or so elsewhere.
    TEST_CASE("gelu, silu and elu in float32 match torch's float32 figures") {
        check_against(kReferenceF32, Dtype::float32, {{1e-6, 1e-6}, {1e-6, 1e-6}, {1e-6, 1e-6}});
    }

    TEST_CASE("elu at 0: gradient alpha (the x <= 0 branch, as PyTorch), second derivative 0") {
        Tensor x = scalar_tensor(0, Dtype::float64).requires_grad_();
        Tensor y = elu(x, 0.7);
        Tensor dy = grad({y}, {x}, {}, {.create_graph = true})[0];
        CHECK(y.item() == 0);
        CHECK(dy.item() == doctest::Approx(0.7).epsilon(1e-15));
        CHECK(grad({dy}, {x})[0].item() == 0);
    }

    TEST_CASE_TEMPLATE("activations keep rank-0, size-1 and zero-size shapes", T, float, double) {
        Dtype dtype = std::is_same_v<T, float> ? Dtype::float32 : Dtype::float64;
        for (Shape shape : {Shape{}, Shape{1, 3, 1}, Shape{2, 0}}) {
            Tensor x = full(shape, -0.5, dtype);
            for (Tensor y : {gelu(x), gelu(x, "tanh"), silu(x), elu(x, 2)}) {
                CHECK(y.shape() == shape);
                CHECK(y.dtype() == dtype);
            }
        }
    }

    TEST_CASE("bad arguments throw errors that name the op") {
        Tensor x = tensor({1, 2});
        Tensor indices = x.to(Dtype::int64);
        CHECK_THROWS_WITH_AS(gelu(x, "exact"),
                             doctest::Contains("gelu: approximate must be \"none\" or \"tanh\""),
                             ShapeError);
        CHECK_THROWS_WITH_AS(gelu_backward(x, x, "Tanh"), doctest::Contains("gelu_backward:"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(gelu(indices), doctest::Contains("gelu:"), DtypeError);
        CHECK_THROWS_WITH_AS(silu(indices), doctest::Contains("silu:"), DtypeError);
        CHECK_THROWS_WITH_AS(elu(indices), doctest::Contains("elu:"), DtypeError);
        CHECK_THROWS_WITH_AS(silu_backward(x, tensor({1, 2, 3})),
                             doctest::Contains("silu_backward: grad [2] and input [3] differ"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(elu_backward(x, x.to(Dtype::float64)),
                             doctest::Contains("elu_backward: mixed dtypes"), DtypeError);
        CHECK_THROWS_WITH_AS(gelu_backward(Tensor(), x), doctest::Contains("gelu_backward"),
                             GraphError);
    }
}
