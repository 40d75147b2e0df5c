// clip_grad_norm_ (p = 1, 2, 3, 0.5, inf; clipping and not) and clip_grad_value_ against torch 1.13
// on fixed gradients in float64, float32 and a float32/float64 mix, from
// reference/clip_grad_reference.py (reference/clip_grad_reference.inc). Also: gradients shared by
// two parameters are scaled once each, non-finite norms behave as torch's, bad arguments throw.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct ClipNormReference {
    std::string dtypes;
    double norm_type, max_norm, total;
    std::vector<double> grads;  // A's then B's, after clipping
};
struct ClipValueReference {
    std::string dtypes;
    double clip_value;
    std::vector<double> grads;
};
#include "reference/clip_grad_reference.inc"

// The script's parameters: A [2, 3] and B [4] with gradients, C without one, D [0] with an empty
// one (which torch's inf norm refuses; here it counts as 0 and is passed for every norm).
std::vector<Tensor> parameters(const std::string& dtypes) {
    const Dtype a_dtype = dtypes == "f64" ? Dtype::float64 : Dtype::float32;
    const Dtype b_dtype = dtypes == "f32" ? Dtype::float32 : Dtype::float64;
    Tensor a = zeros(Shape{2, 3}, a_dtype).requires_grad_();
    Tensor b = zeros(Shape{4}, b_dtype).requires_grad_();
    Tensor c = zeros(Shape{2, 2}, a_dtype).requires_grad_();
    Tensor d = zeros(Shape{0}, a_dtype).requires_grad_();
    a.set_grad(tensor({{0.3, -1.2, 0.05}, {2.5, -0.7, 0.0}}, a_dtype));
    b.set_grad(tensor({-0.4, 1.1, -3.2, 0.9}, b_dtype));
    d.set_grad(zeros(Shape{0}, a_dtype));
    return {a, b, c, d};
}

std::vector<double> gradients(const std::vector<Tensor>& params) {
    std::vector<double> out = params[0].grad().values();
    for (double v : params[1].grad().values()) out.push_back(v);
    CHECK_FALSE(params[2].grad().defined());
    return out;
}

// float64 to rounding; float32 to the float precision of a coefficient formed from a norm summed
// in another order.
double tolerance(const std::string& dtypes, double value) {
    return (dtypes == "f64" ? 1e-14 : 1e-6) * std::abs(value) + 1e-300;
}
}  // namespace

TEST_SUITE("clip_grad") {

TEST_CASE("clip_grad_norm_ returns torch's total norm and scales as torch") {
    for (const ClipNormReference& ref : kClipNorm) {
        std::vector<Tensor> params = parameters(ref.dtypes);
        const double total = nn::clip_grad_norm_(params, ref.max_norm, ref.norm_type);
        INFO(ref.dtypes, " p = ", ref.norm_type, " max_norm = ", ref.max_norm);
        CHECK(std::abs(total - ref.total) <= tolerance(ref.dtypes, ref.total));
        std::vector<double> ours = gradients(params);
        REQUIRE(ours.size() == ref.grads.size());
        for (std::size_t i = 0; i < ours.size(); ++i) {
            INFO("gradient element ", i);
            CHECK(std::abs(ours[i] - ref.grads[i]) <= tolerance(ref.dtypes, ref.grads[i]));
        }
    }
}

TEST_CASE("clip_grad_value_ clamps as torch") {
    for (const ClipValueReference& ref : kClipValue) {
        std::vector<Tensor> params = parameters(ref.dtypes);
        nn::clip_grad_value_(params, ref.clip_value);
        INFO(ref.dtypes, " clip_value = ", ref.clip_value);
        CHECK(gradients(params) == ref.grads);
    }
}

TEST_CASE("clipping writes in place a gradient only its parameter holds") {
    Tensor p = zeros(Shape{3}, Dtype::float64).requires_grad_();
    p.set_grad(tensor({3.0, 0.0, 4.0}, Dtype::float64));
    const double* before = p.grad().data<double>();
    CHECK(nn::clip_grad_norm_({p}, 1.0) == 5.0);
    CHECK(p.grad().data<double>() == before);
    CHECK(p.grad().at({2}) == doctest::Approx(4 / (5 + 1e-6)).epsilon(1e-15));
    nn::clip_grad_value_({p}, 0.5);
    CHECK(p.grad().data<double>() == before);
    CHECK(p.grad().values() == std::vector<double>{0.5, 0.0, 0.5});
}

TEST_CASE("a gradient backward gave to two parameters is scaled once for each") {
    // d/dx sum(3 (x + y)) = d/dy = 3 everywhere; backward may hand both the same tensor.
    // Total 2-norm sqrt(4 * 9) = 6, so each becomes 3 / 6 (torch: 0.5 each, likewise).
    Tensor x = ones(Shape{2}, Dtype::float64).requires_grad_();
    Tensor y = ones(Shape{2}, Dtype::float64).requires_grad_();
    sum((x + y) * 3.0).backward();
    CHECK(nn::clip_grad_norm_({x, y}, 1.0) == doctest::Approx(6.0).epsilon(1e-15));
    for (const Tensor& t : {x, y})
        for (double v : t.grad().values()) CHECK(v == doctest::Approx(0.5).epsilon(1e-6));
    Tensor held = x.grad();  // a handle the caller keeps: x's gradient is replaced, not written
    nn::clip_grad_value_({x, y}, 0.25);
    CHECK(x.grad().values() == std::vector<double>{0.25, 0.25});
    CHECK(y.grad().values() == std::vector<double>{0.25, 0.25});
    CHECK(held.values() != x.grad().values());
}

TEST_CASE("non-finite gradients: torch's infinite or NaN total, and its zero or NaN scale") {
    Tensor p = zeros(Shape{2}, Dtype::float64).requires_grad_();
    p.set_grad(tensor({kInf, 1.0}, Dtype::float64));
    CHECK(nn::clip_grad_norm_({p}, 1.0) == kInf);  // coefficient 1 / inf = 0, and inf * 0 = NaN
    CHECK(std::isnan(p.grad().at({0})));
    CHECK(p.grad().at({1}) == 0.0);
    p.set_grad(tensor({kNaN, 1.0}, Dtype::float64));
    CHECK(std::isnan(nn::clip_grad_norm_({p}, 1.0, kInf)));
    CHECK(std::isnan(p.grad().at({1})));
    p.set_grad(tensor({kNaN, 5.0}, Dtype::float64));
    nn::clip_grad_value_({p}, 1.0);
    CHECK(std::isnan(p.grad().at({0})));
    CHECK(p.grad().at({1}) == 1.0);
}

TEST_CASE("without gradients the norm is 0 and nothing changes") {
    Tensor p = ones(Shape{2}).requires_grad_();
    CHECK(nn::clip_grad_norm_({p}, 1.0) == 0.0);
    CHECK(nn::clip_grad_norm_({}, 1.0, kInf) == 0.0);
    nn::clip_grad_value_({p}, 1.0);
    CHECK_FALSE(p.grad().defined());
}

TEST_CASE("clipping refuses bad arguments, naming itself") {
    Tensor p = ones(Shape{2}).requires_grad_();
    p.set_grad(ones(Shape{2}));
    for (double norm_type : {0.0, -1.0, -kInf, kNaN})
        CHECK_THROWS_WITH_AS(nn::clip_grad_norm_({p}, 1.0, norm_type),
                             doctest::Contains("clip_grad_norm_: invalid norm_type"),
                             std::invalid_argument);
    for (double max_norm : {-1.0, kNaN})
        CHECK_THROWS_WITH_AS(nn::clip_grad_norm_({p}, max_norm),
                             doctest::Contains("clip_grad_norm_: invalid max_norm"),
                             std::invalid_argument);
    for (double clip_value : {-0.5, kNaN})
        CHECK_THROWS_WITH_AS(nn::clip_grad_value_({p}, clip_value),
                             doctest::Contains("clip_grad_value_: invalid clip_value"),
                             std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::clip_grad_norm_({p, Tensor()}, 1.0),
                         doctest::Contains("clip_grad_norm_"), GraphError);
    CHECK_THROWS_WITH_AS(nn::clip_grad_value_({Tensor(), p}, 1.0),
                         doctest::Contains("clip_grad_value_"), GraphError);
    CHECK(p.grad().values() == std::vector<double>{1, 1});  // a refused call changes nothing
}

}  // TEST_SUITE
