// Dropout: the identity in eval mode and for p = 0, all zeros for p = 1, otherwise each element
// either 0 or x / (1 - p) with about a fraction p dropped, the same mask for the same generator
// state, gradients through the kept elements only, train()/eval() from a parent, description and
// refused probabilities. Masks come from our generator, so they are not torch's.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

TEST_SUITE("dropout") {

TEST_CASE("Dropout: zeroes about a fraction p and scales the rest by 1 / (1 - p)") {
    Generator gen(3);
    nn::Dropout drop(0.25, gen);
    Tensor x = full(Shape{100, 40}, 2.0, Dtype::float64);
    std::vector<double> y = drop(x).values();
    std::int64_t dropped = 0;
    for (double v : y) {
        CHECK((v == 0 || v == 2.0 / 0.75));
        dropped += v == 0;
    }
    // 4000 Bernoulli(0.25) draws: mean 1000, standard deviation 27.4; 5 sigma either side.
    CHECK(dropped > 1000 - 137);
    CHECK(dropped < 1000 + 137);
}

TEST_CASE("Dropout: the same generator state gives the same mask, a later call another") {
    Generator a(9), b(9);
    nn::Dropout first(0.5, a), second(0.5, b);
    Tensor x = ones(Shape{64});
    std::vector<double> mask = first(x).values();
    CHECK(second(x).values() == mask);
    CHECK(first(x).values() != mask);  // 64 fresh draws match the old ones with chance 2^-64
}

TEST_CASE("Dropout: identity in eval mode and for p = 0, zeros for p = 1") {
    Generator gen(1);
    Tensor x = nn::test::away_from_zero(Shape{5, 6}, gen);
    nn::Sequential net{std::make_shared<nn::Dropout>(0.5)};
    net.eval();  // reaches the child
    CHECK(net(x).values() == x.values());
    net.train();
    CHECK(net(x).values() != x.values());
    CHECK(nn::Dropout(0)(x).values() == x.values());
    for (double v : nn::Dropout(1)(x).values()) CHECK(v == 0);
}

TEST_CASE("Dropout: gradients flow through the kept elements, scaled; gradcheck per mask") {
    Generator gen(5);
    nn::Dropout drop(0.4, gen);
    Tensor x = ones(Shape{50}, Dtype::float64).requires_grad_();
    Tensor y = drop(x);
    sum(y).backward();
    std::vector<double> out = y.values(), grad = x.grad().values();
    for (std::size_t i = 0; i < out.size(); ++i) CHECK(grad[i] == out[i]);  // x is all ones
    // Reseeding inside the function keeps the mask fixed across the finite differences.
    Tensor input = nn::test::away_from_zero(Shape{4, 5}, gen).requires_grad_();
    nn::test::check_grads(
        [&drop, &gen](const std::vector<Tensor>& in) {
            gen.manual_seed(17);
            return drop(in[0]);
        },
        {input});
}

TEST_CASE("Dropout: describes itself as torch and refuses p outside [0, 1]") {
    CHECK(nn::Dropout().describe() == "Dropout(p=0.5)");
    CHECK(nn::Dropout(0.25).describe() == "Dropout(p=0.25)");
    CHECK_THROWS_WITH_AS(nn::Dropout(1.5), doctest::Contains("Dropout: probability"),
                         std::invalid_argument);
    CHECK_THROWS_AS(nn::Dropout(-0.1), std::invalid_argument);
    CHECK_THROWS_AS(nn::Dropout(std::nan("")), std::invalid_argument);
}

}  // TEST_SUITE
