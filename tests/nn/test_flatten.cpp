// Flatten: the shapes torch.nn.Flatten gives (default dims, negative dims, zero-size dims, a
// scalar), values kept in row-major order, gradients through the module, and refused dims.
#include <doctest/doctest.h>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

TEST_SUITE("flatten") {

TEST_CASE("Flatten: shapes as torch.nn.Flatten, values in row-major order") {
    Tensor x = arange(24, Dtype::float64);
    Tensor x4 = reshape(x, {2, 3, 2, 2});
    CHECK(nn::Flatten()(x4).shape() == Shape{2, 12});
    CHECK(nn::Flatten()(x4).values() == x.values());
    CHECK(nn::Flatten(0)(x4).shape() == Shape{24});
    CHECK(nn::Flatten(1, 2)(x4).shape() == Shape{2, 6, 2});
    CHECK(nn::Flatten(-3, -2)(x4).shape() == Shape{2, 6, 2});
    CHECK(nn::Flatten(2, 2)(x4).shape() == Shape{2, 3, 2, 2});
    // Shapes printed by torch 1.13: Flatten()(zeros(2, 0, 3)) is [2, 0]; Flatten(0)(scalar) [1].
    CHECK(nn::Flatten()(zeros(Shape{2, 0, 3})).shape() == Shape{2, 0});
    CHECK(nn::Flatten(0)(scalar_tensor(5)).shape() == Shape{1});
    CHECK(nn::Flatten(-1)(scalar_tensor(5)).shape() == Shape{1});
}

TEST_CASE("Flatten: gradcheck and gradgradcheck through the module") {
    nn::Flatten flatten;
    nn::test::check_module_grads(flatten, Shape{2, 3, 2});
}

TEST_CASE("Flatten: describes itself as torch and refuses dims out of range") {
    CHECK(nn::Flatten().describe() == "Flatten(start_dim=1, end_dim=-1)");
    CHECK(nn::Flatten(0, 2).describe() == "Flatten(start_dim=0, end_dim=2)");
    // torch: "Dimension out of range (expected to be in range of [-1, 0], but got 1)".
    CHECK_THROWS_WITH_AS(nn::Flatten()(scalar_tensor(1)), doctest::Contains("flatten"),
                         IndexError);
    CHECK_THROWS_WITH_AS(nn::Flatten()(zeros(Shape{3})), doctest::Contains("flatten"),
                         IndexError);
    CHECK_THROWS_WITH_AS(nn::Flatten(2, 1)(zeros(Shape{2, 3, 4})), doctest::Contains("flatten"),
                         IndexError);
}

}  // TEST_SUITE
