// Losses: values against hand-computed literals, first and second derivatives in float64 for
// every loss and reduction (through the module classes), BCE's -100 clamp with PyTorch's finite
// gradients at p = 0 and 1, stability for large logits, and argument errors that name the function.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::Reduction;
using nn::test::check_grads;

namespace {
const Reduction kReductions[] = {Reduction::none, Reduction::mean, Reduction::sum};

bool all_finite(const Tensor& t) {
    for (double v : t.values())
        if (!std::isfinite(v)) return false;
    return true;
}

// Gradchecks loss(input, target) with respect to the input (and the target when it is floating
// and `target_too`), for each reduction.
template <class LossModule>
void check_loss_grads(const Tensor& input, const Tensor& target, bool target_too = false) {
    for (Reduction reduction : kReductions) {
        INFO("reduction ", nn::reduction_name(reduction));
        LossModule loss(reduction);
        std::vector<Tensor> inputs{input.detach().clone().requires_grad_()};
        inputs.push_back(target_too ? target.detach().clone().requires_grad_() : target);
        check_grads([&](const std::vector<Tensor>& in) { return loss(in[0], in[1]); }, inputs);
    }
}
}  // namespace

TEST_SUITE("loss") {

TEST_CASE("mse and l1: values for each reduction") {
    // diffs -0.5, 0, 2: squares 0.25, 0, 4 (sum 4.25); abs 0.5, 0, 2 (sum 2.5).
    Tensor input = tensor({1.0, 2.0, 3.0}), target = tensor({1.5, 2.0, 1.0});
    CHECK(nn::mse_loss(input, target, Reduction::none).values() == std::vector<double>{0.25, 0, 4});
    CHECK(nn::mse_loss(input, target, Reduction::sum).item() == 4.25);
    CHECK(nn::mse_loss(input, target).item() == doctest::Approx(4.25 / 3));
    CHECK(nn::l1_loss(input, target, Reduction::none).values() == std::vector<double>{0.5, 0, 2});
    CHECK(nn::l1_loss(input, target, Reduction::sum).item() == 2.5);
    CHECK(nn::L1Loss()(input, target).item() == doctest::Approx(2.5 / 3));
}

TEST_CASE("binary_cross_entropy: values, and -100 at the clamp") {
    // -log 0.25, -log 0.5, -(0.5 log 0.9 + 0.5 log 0.1), from Python's math.log.
    Tensor p = tensor({0.25, 0.5, 0.9}, Dtype::float64);
    Tensor y = tensor({1.0, 0.0, 0.5}, Dtype::float64);
    std::vector<double> want{1.3862943611198906, 0.6931471805599453, 1.203972804325936};
    std::vector<double> got = nn::binary_cross_entropy(p, y, Reduction::none).values();
    for (std::size_t i = 0; i < want.size(); ++i)
        CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-14));
    // Wrong with certainty costs exactly 100 (log clamped at -100); right with certainty 0.
    Tensor edge = tensor({0.0, 1.0, 0.0, 1.0}), truth = tensor({1.0, 0.0, 0.0, 1.0});
    CHECK(nn::binary_cross_entropy(edge, truth, Reduction::none).values() ==
          std::vector<double>{100, 100, 0, 0});
}

TEST_CASE_TEMPLATE("binary_cross_entropy: PyTorch's finite gradients at p = 0 and p = 1", T, float,
                   double) {
    const Dtype dtype = dtype_of<T>();
    Tensor p = tensor({0.0, 1.0, 0.0, 1.0, 0.25}, dtype).requires_grad_();
    Tensor y = tensor({1.0, 0.0, 0.0, 1.0, 1.0}, dtype);
    nn::binary_cross_entropy(p, y, Reduction::sum).backward();
    REQUIRE(p.grad().defined());
    CHECK(all_finite(p.grad()));
    // torch 1.13 gives (p - y) / max(p (1 - p), 1e-12) here: -1e12, 1e12, 0, 0, -4 (its float
    // epsilon makes them -1.000000004e12 and 1.000000004e12 in float64).
    const std::vector<double> want{-1e12, 1e12, 0, 0, -4};
    std::vector<double> got = p.grad().values();
    for (std::size_t i = 0; i < want.size(); ++i)
        CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));
}

TEST_CASE("binary_cross_entropy_with_logits: values and stability for huge logits") {
    // softplus(0); 2 + softplus(-2); softplus(3): log1p(exp(.)) in Python.
    Tensor x = tensor({0.0, 2.0, -3.0}, Dtype::float64);
    Tensor y = tensor({1.0, 0.0, 1.0}, Dtype::float64);
    std::vector<double> want{0.6931471805599453, 2.1269280110429727, 3.048587351573742};
    std::vector<double> got = nn::binary_cross_entropy_with_logits(x, y, Reduction::none).values();
    for (std::size_t i = 0; i < want.size(); ++i)
        CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-14));
    Tensor big = tensor({1000.0, -1000.0, 1000.0, -1000.0}).requires_grad_();
    Tensor labels = tensor({0.0, 1.0, 1.0, 0.0});
    Tensor loss = nn::binary_cross_entropy_with_logits(big, labels, Reduction::none);
    CHECK(loss.values() == std::vector<double>{1000, 1000, 0, 0});
    sum(loss).backward();
    CHECK(big.grad().values() == std::vector<double>{1, -1, 0, 0});  // sigmoid(x) - y
}

TEST_CASE("cross_entropy and nll_loss: values") {
    // Row 0: log(e + e^2 + e^3) - 3; row 1: log 3 (uniform over 3 classes).
    Tensor logits = tensor({{1.0, 2.0, 3.0}, {1.0, 1.0, 1.0}}, Dtype::float64);
    Tensor target = from_vector(std::vector<double>{2, 0}, Shape{2}, Dtype::int64);
    std::vector<double> got = nn::cross_entropy(logits, target, Reduction::none).values();
    CHECK(got[0] == doctest::Approx(0.40760596444438013).epsilon(1e-14));
    CHECK(got[1] == doctest::Approx(1.0986122886681098).epsilon(1e-14));
    CHECK(nn::CrossEntropyLoss()(logits, target).item() == doctest::Approx(0.753109126556245));
    Tensor log_probs = tensor({{-1.0, -2.0}, {-0.5, -3.0}});
    Tensor picks = from_vector(std::vector<double>{1, 0}, Shape{2}, Dtype::int64);
    CHECK(nn::nll_loss(log_probs, picks, Reduction::none).values() == std::vector<double>{2, 0.5});
    CHECK(nn::NLLLoss(Reduction::sum)(log_probs, picks).item() == 2.5);
}

TEST_CASE("every loss passes gradcheck and gradgradcheck for every reduction") {
    Generator gen(5);
    const Shape shape{3, 2};
    SUBCASE("mse_loss, input and target") {
        check_loss_grads<nn::MSELoss>(randn(shape, gen, Dtype::float64),
                                      randn(shape, gen, Dtype::float64), true);
    }
    SUBCASE("l1_loss, away from input == target") {
        Tensor target = randn(shape, gen, Dtype::float64);
        check_loss_grads<nn::L1Loss>(target + nn::test::away_from_zero(shape, gen), target, true);
    }
    SUBCASE("binary_cross_entropy, p inside (0.1, 0.9)") {
        check_loss_grads<nn::BCELoss>(uniform(shape, 0.1, 0.9, gen, Dtype::float64),
                                      rand(shape, gen, Dtype::float64));
    }
    SUBCASE("binary_cross_entropy_with_logits") {
        check_loss_grads<nn::BCEWithLogitsLoss>(randn(shape, gen, Dtype::float64) * 3.0,
                                                rand(shape, gen, Dtype::float64));
    }
    Tensor classes = from_vector(std::vector<double>{2, 0, 3, 3}, Shape{4}, Dtype::int64);
    SUBCASE("cross_entropy") {
        check_loss_grads<nn::CrossEntropyLoss>(randn(Shape{4, 5}, gen, Dtype::float64), classes);
    }
    SUBCASE("nll_loss") {
        check_loss_grads<nn::NLLLoss>(randn(Shape{4, 5}, gen, Dtype::float64), classes);
    }
}

TEST_CASE("losses reject bad arguments with messages naming the function") {
    Tensor a = zeros(Shape{4, 1}), b = zeros(Shape{4});
    CHECK_THROWS_WITH_AS(nn::mse_loss(a, b), doctest::Contains("mse_loss: input [4, 1]"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::l1_loss(a, zeros(Shape{4, 1}, Dtype::float64)),
                         doctest::Contains("l1_loss"), DtypeError);
    CHECK_THROWS_WITH_AS(nn::binary_cross_entropy(tensor({0.5, 1.5}), tensor({0.0, 1.0})),
                         doctest::Contains("binary_cross_entropy: input element 1"),
                         std::domain_error);
    CHECK_THROWS_WITH_AS(nn::binary_cross_entropy_with_logits(a, b),
                         doctest::Contains("binary_cross_entropy_with_logits"), ShapeError);
    Tensor logits = zeros(Shape{2, 3});
    Tensor good = from_vector(std::vector<double>{0, 2}, Shape{2}, Dtype::int64);
    Tensor out_of_range = from_vector(std::vector<double>{0, 3}, Shape{2}, Dtype::int64);
    CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, out_of_range),
                         doctest::Contains("cross_entropy: target[1] = 3"), IndexError);
    CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, tensor({0.0, 2.0})),
                         doctest::Contains("cross_entropy: target must hold int64"), DtypeError);
    CHECK_THROWS_WITH_AS(nn::cross_entropy(zeros(Shape{3}), good),
                         doctest::Contains("cross_entropy: expected input [N, C]"), ShapeError);
    CHECK_THROWS_WITH_AS(nn::nll_loss(logits, from_vector(std::vector<double>{0}, Shape{1},
                                                          Dtype::int64)),
                         doctest::Contains("nll_loss: target [1]"), ShapeError);
}

}  // TEST_SUITE
