// gradcheck itself: it passes correct gradients, catches wrong ones, and refuses float32.
#include <doctest/doctest.h>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
// x^2 with a deliberately wrong backward (3x instead of 2x), recorded like any op.
Tensor square_with_wrong_backward(const Tensor& x) {
    Tensor out = (x * x).detach();
    return record(Op::mul, out, {x},
                  [x](const Tensor& grad_out, const Tensor&) { return Grads{grad_out * x * 3.0}; });
}
}  // namespace

TEST_SUITE("gradcheck") {
    TEST_CASE("passes a correct gradient and reports tiny errors") {
        Tensor x = tensor({0.5, -1.5, 2}, Dtype::float64).requires_grad_();
        GradcheckReport r =
            gradcheck([](const std::vector<Tensor>& in) { return tanh(in[0]) * in[0]; }, {x});
        CHECK(r.passed);
        CHECK(r.max_abs_error < 1e-8);
        CHECK(r.failing_input == -1);
    }

    TEST_CASE("fails a wrong gradient and names the first failing input and element") {
        Tensor a = tensor({1}, Dtype::float64);  // does not require grad: skipped
        Tensor x = tensor({0.5, -1.5}, Dtype::float64).requires_grad_();
        GradcheckReport r = gradcheck(
            [](const std::vector<Tensor>& in) { return square_with_wrong_backward(in[1]) + in[0]; },
            {a, x});
        CHECK(!r.passed);
        CHECK(r.failing_input == 1);
        CHECK(r.failing_element == 0);
        CHECK(r.analytic == doctest::Approx(1.5));  // 3 * 0.5
        CHECK(r.numeric == doctest::Approx(1.0));   // 2 * 0.5
        CHECK(r.message.find("FAILED") != std::string::npos);
    }

    TEST_CASE("gradgradcheck catches a first derivative that is right but not differentiable") {
        // The backward detaches x, so first derivatives are right but the second is lost.
        auto cube = [](const std::vector<Tensor>& in) {
            const Tensor& x = in[0];
            Tensor out = (x * x * x).detach();
            return record(Op::pow, out, {x}, [x](const Tensor& grad_out, const Tensor&) {
                return Grads{grad_out * x.detach() * x.detach() * 3.0};
            });
        };
        Tensor x = tensor({0.7, -1.2}, Dtype::float64).requires_grad_();
        CHECK(gradcheck(cube, {x}).passed);
        CHECK(!gradgradcheck(cube, {x}).passed);
    }

    TEST_CASE("float32 inputs get a clear error advising float64") {
        Tensor x = tensor({1, 2}).requires_grad_();
        CHECK_THROWS_WITH_AS(gradcheck([](const std::vector<Tensor>& in) { return in[0]; }, {x}),
                             doctest::Contains("float64"), DtypeError);
    }
}
