// Linear: shapes, PyTorch's default initialisation (bounds ±1/sqrt(in), weight drawn before
// bias), the forward value by hand, first and second derivatives through the module for inputs
// of rank 1 to 3, and the error for a mismatched input.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

TEST_SUITE("linear") {

TEST_CASE("Linear: weight [out, in], bias [out], named and requiring grad") {
    nn::Linear layer(3, 2);
    auto named = layer.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].name == "weight");
    CHECK(named[0].tensor.shape() == Shape{2, 3});
    CHECK(named[1].name == "bias");
    CHECK(named[1].tensor.shape() == Shape{2});
    for (const auto& p : named) CHECK((p.tensor.requires_grad() && p.tensor.is_leaf()));
    CHECK(layer.describe() == "Linear(in=3, out=2, bias=true)");
    nn::Linear no_bias(3, 2, false);
    CHECK(no_bias.parameters().size() == 1);
    CHECK_FALSE(no_bias.bias().defined());
}

TEST_CASE("Linear: default init is U(±1/sqrt(in)), weight drawn first, as torch.nn.Linear") {
    Generator gen(11), replay(11);
    nn::Linear layer(16, 64, gen);
    const double bound = 1.0 / std::sqrt(16.0);
    // Replaying the generator: the same two draws, in the same order, give the same numbers.
    CHECK(layer.weight().values() == uniform(Shape{64, 16}, -bound, bound, replay).values());
    CHECK(layer.bias().values() == uniform(Shape{64}, -bound, bound, replay).values());
    double largest = 0;
    for (double v : layer.weight().values()) largest = std::max(largest, std::abs(v));
    CHECK(largest <= bound);
    CHECK(largest > 0.95 * bound);  // 1024 draws reach close to the bound
}

TEST_CASE("Linear: forward is x Wᵀ + b") {
    nn::Linear layer(2, 2);
    {
        NoGradGuard no_grad;
        Tensor w = layer.weight(), b = layer.bias();
        nn::init::constant_(w, 0);
        w.data<float>()[0] = 1;   // W = [[1, 2], [3, 0]]
        w.data<float>()[1] = 2;
        w.data<float>()[2] = 3;
        nn::init::constant_(b, 0.5);
    }
    // [1, -1] Wᵀ = [1 - 2, 3 - 0] = [-1, 3]; plus 0.5.
    CHECK(layer(tensor({{1.0, -1.0}})).values() == std::vector<double>{-0.5, 3.5});
}

TEST_CASE("Linear: gradcheck and gradgradcheck through the module, inputs of rank 1 to 3") {
    for (const Shape& shape : {Shape{3}, Shape{4, 3}, Shape{2, 2, 3}}) {
        INFO("input ", to_string(shape));
        nn::Linear with_bias(3, 2);
        nn::test::check_module_grads(with_bias, shape);
        nn::Linear without_bias(3, 2, false);
        nn::test::check_module_grads(without_bias, shape);
    }
}

TEST_CASE("Linear: an input whose last dim is not `in` is refused, naming linear") {
    nn::Linear layer(3, 2);
    CHECK_THROWS_WITH_AS(layer(zeros(Shape{4, 2})), doctest::Contains("linear: input [4, 2]"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::Linear(-1, 2), doctest::Contains("Linear"), ShapeError);
}

}  // TEST_SUITE
