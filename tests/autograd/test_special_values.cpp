// Ops on NaN, infinities, signed zeros, tiny and huge values against PyTorch's numbers
// (reference/special_values_reference.py), the activations to the second derivative: values
// within a tolerance, NaN where PyTorch gives NaN, infinities exactly, and the sign of a zero where
// PyTorch's is a rule of the op (relu, pow, x * s, elu).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using V = std::vector<double>;

namespace {
struct UnaryCase {
    std::string op;
    bool float64;
    V input, out, grad;
};
struct BinaryCase {
    std::string op;
    bool float64;
    V a, b, out, grad_a, grad_b;
};
struct RowsCase {
    std::string op;
    bool float64;
    std::int64_t rows;
    V input, out, grad;
};
#include "reference/special_values_reference.inc"

using Unary = std::function<Tensor(const Tensor&)>;
const std::map<std::string, Unary>& unary_ops() {
    static const std::map<std::string, Unary> ops = {
        {"neg", [](const Tensor& x) { return neg(x); }},
        {"exp", [](const Tensor& x) { return exp(x); }},
        {"log", [](const Tensor& x) { return log(x); }},
        {"sqrt", [](const Tensor& x) { return sqrt(x); }},
        {"abs", [](const Tensor& x) { return abs(x); }},
        {"tanh", [](const Tensor& x) { return tanh(x); }},
        {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
        {"relu", [](const Tensor& x) { return relu(x); }},
        {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }},
        {"clamp", [](const Tensor& x) { return clamp(x, -1, 1); }},
        {"softplus", [](const Tensor& x) { return softplus(x); }},
        {"log_sigmoid", [](const Tensor& x) { return log_sigmoid(x); }},
        {"gelu", [](const Tensor& x) { return gelu(x); }},
        {"gelu_tanh", [](const Tensor& x) { return gelu(x, "tanh"); }},
        {"silu", [](const Tensor& x) { return silu(x); }},
        {"elu", [](const Tensor& x) { return elu(x); }},
        {"mul2", [](const Tensor& x) { return x * 2.0; }},
        {"add1", [](const Tensor& x) { return x + 1.0; }},
        {"pow0.0", [](const Tensor& x) { return pow(x, 0.0); }},
        {"pow1.0", [](const Tensor& x) { return pow(x, 1.0); }},
        {"pow2.0", [](const Tensor& x) { return pow(x, 2.0); }},
        {"pow3.0", [](const Tensor& x) { return pow(x, 3.0); }},
        {"pow0.5", [](const Tensor& x) { return pow(x, 0.5); }},
        {"pow-0.5", [](const Tensor& x) { return pow(x, -0.5); }},
        {"pow-1.0", [](const Tensor& x) { return pow(x, -1.0); }},
        {"pow-2.0", [](const Tensor& x) { return pow(x, -2.0); }},
        {"pow1.5", [](const Tensor& x) { return pow(x, 1.5); }},
        {"pow-3.0", [](const Tensor& x) { return pow(x, -3.0); }},
    };
    return ops;
}

using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;
const std::map<std::string, Binary>& binary_ops() {
    static const std::map<std::string, Binary> ops = {
        {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); }},
        {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }},
        {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }},
        {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }},
        {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
        {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }},
    };
    return ops;
}

const std::map<std::string, Unary>& row_ops() {
    static const std::map<std::string, Unary> ops = {
        {"softmax", [](const Tensor& x) { return softmax(x, 1); }},
        {"log_softmax", [](const Tensor& x) { return log_softmax(x, 1); }},
        {"logsumexp", [](const Tensor& x) { return logsumexp(x, {1}); }},
        {"sum", [](const Tensor& x) { return sum(x, {1}); }},
        {"max_dim", [](const Tensor& x) { return max(x, 1).values; }},
        {"min_dim", [](const Tensor& x) { return min(x, 1).values; }},
        {"max_all", [](const Tensor& x) { return max(x); }},
        {"min_all", [](const Tensor& x) { return min(x); }},
    };
    return ops;
}

// Ops whose zeros may differ from PyTorch's in sign only: results that underflow to a signed zero
// in one formula and to a tiny value or the other zero in another (sigmoid's tail, erf's), and
// full reductions, whose pick among tied zeros follows PyTorch's vector lanes.
bool zero_sign_is_a_rule(const std::string& op) {
    for (const char* loose : {"sigmoid", "softplus", "log_sigmoid", "gelu", "gelu_tanh", "silu",
                              "softmax", "log_softmax", "max_all", "min_all"})
        if (op == loose) return false;
    return true;
}

// got agrees with want: both NaN, equal infinities, or finite within a relative tolerance and an
// absolute one (atol64 in float64) for results that underflow (or cancel to rounding noise)
// differently.
bool agrees(double got, double want, bool float64, bool check_zero_sign, double atol64) {
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
    if (std::isinf(want) || std::isinf(got)) return got == want;
    if (check_zero_sign && got == 0 && want == 0) return std::signbit(got) == std::signbit(want);
    double rtol = float64 ? 1e-12 : 1e-5, atol = float64 ? atol64 : 1e-6;
    return std::abs(got - want) <= atol + rtol * std::abs(want);
}

void check_all(const std::string& what, const V& got, const V& want, bool float64, bool zero_sign,
               double atol64 = 1e-15) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(what, " [", i, "]: got ", got[i], ", PyTorch ", want[i]);
        CHECK(agrees(got[i], want[i], float64, zero_sign, atol64));
    }
}

Tensor input(const V& values, Shape shape, bool float64) {
    return from_vector(values, shape, float64 ? Dtype::float64 : Dtype::float32).requires_grad_();
}
}  // namespace

TEST_SUITE("special_values") {
    TEST_CASE("elementwise ops and their gradients agree with PyTorch on special values") {
        for (const UnaryCase& c : kUnaryCases) {
            INFO(c.op, c.float64 ? " float64" : " float32");
            Tensor x = input(c.input, {static_cast<std::int64_t>(c.input.size())}, c.float64);
            Tensor y = unary_ops().at(c.op)(x);
            y.backward(ones_like(y));
            bool sign = zero_sign_is_a_rule(c.op);
            check_all("out", y.values(), c.out, c.float64, sign);
            check_all("grad", x.grad().values(), c.grad, c.float64, sign);
        }
    }

    TEST_CASE("activations' first and second derivatives agree with PyTorch on special values") {
        for (const UnaryCase& c : kSecondCases) {
            INFO(c.op, c.float64 ? " float64" : " float32");
            Tensor x = input(c.input, {static_cast<std::int64_t>(c.input.size())}, c.float64);
            Tensor y = unary_ops().at(c.op)(x);
            Tensor g = grad({sum(y)}, {x}, {}, {.create_graph = true})[0];
            Tensor gg = grad({sum(g)}, {x})[0];
            bool sign = zero_sign_is_a_rule(c.op);
            check_all("grad", g.values(), c.out, c.float64, sign);
            // PyTorch's double backwards take 1 - sigmoid(x) by subtraction (silu) or make
            // softplus linear from x = 20 on: its tails are off by up to ~1e-8 in float64.
            check_all("grad of grad", gg.values(), c.grad, c.float64, sign, 1e-8);
        }
    }

    TEST_CASE("binary ops and their gradients agree with PyTorch on every pair of special values") {
        for (const BinaryCase& c : kBinaryCases) {
            INFO(c.op, c.float64 ? " float64" : " float32");
            Shape shape{static_cast<std::int64_t>(c.a.size())};
            Tensor a = input(c.a, shape, c.float64), b = input(c.b, shape, c.float64);
            Tensor y = binary_ops().at(c.op)(a, b);
            y.backward(ones_like(y));
            check_all("out", y.values(), c.out, c.float64, true);
            check_all("grad a", a.grad().values(), c.grad_a, c.float64, true);
            check_all("grad b", b.grad().values(), c.grad_b, c.float64, true);
        }
    }

    TEST_CASE("row reductions agree with PyTorch on NaN, infinite maxima and ties") {
        for (const RowsCase& c : kRowsCases) {
            INFO(c.op, c.float64 ? " float64" : " float32");
            std::int64_t cols = static_cast<std::int64_t>(c.input.size()) / c.rows;
            Tensor x = input(c.input, {c.rows, cols}, c.float64);
            Tensor y = row_ops().at(c.op)(x);
            y.backward(ones_like(y));
            bool sign = zero_sign_is_a_rule(c.op);
            check_all("out", y.values(), c.out, c.float64, sign);
            check_all("grad", x.grad().values(), c.grad, c.float64, sign);
        }
    }
}
