// Embedding: the weight's name, shape and N(0, 1) initialisation, outputs and weight gradients
// (rows accumulating over repeated indices) against torch.nn.Embedding in float64 and float32
// (reference/embedding_reference.py), first and second derivatives, description, refusals.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::test::LayerReference;

namespace {
#include "reference/embedding_reference.inc"

Tensor indices(const std::vector<double>& values, const Shape& shape) {
    return from_vector(values, shape, Dtype::int64);
}
}  // namespace

TEST_SUITE("embedding") {

TEST_CASE("Embedding: weight [num_embeddings, embedding_dim] drawn from N(0, 1)") {
    Generator gen(7), replay(7);
    nn::Embedding layer(50, 40, gen);
    auto named = layer.named_parameters();
    REQUIRE(named.size() == 1);
    CHECK(named[0].name == "weight");
    CHECK(named[0].tensor.shape() == Shape{50, 40});
    CHECK(layer.weight().values() == normal(Shape{50, 40}, 0, 1, replay).values());
    double mean = 0, square = 0;
    for (double v : layer.weight().values()) {
        mean += v / 2000;
        square += v * v / 2000;
    }
    CHECK(std::abs(mean) < 0.1);  // 2000 draws: the standard error is 0.022
    CHECK(std::abs(square - 1) < 0.15);
}

TEST_CASE_TEMPLATE("Embedding: outputs and weight gradients equal torch.nn.Embedding's", T, float,
                   double) {
    const Dtype dtype = dtype_of<T>();
    // The cases of embedding_reference.py, in its order.
    const std::vector<std::pair<const char*, Tensor>> cases = {
        {"rank1", indices({4, 0, 2}, Shape{3})},
        {"rank2_repeats", indices({0, 2, 4, 2, 2, 1}, Shape{2, 3})},
        {"rank0", indices({3}, Shape{})},
    };
    for (const auto& [name, index] : cases) {
        nn::Embedding layer(5, 3);
        layer.to(dtype);
        nn::test::set_parameters(layer, 100);
        nn::test::check_against(layer, index,
                                nn::test::find_reference(kEmbeddingReference, name),
                                dtype == Dtype::float32 ? 1e-6 : 1e-14);
    }
}

TEST_CASE("Embedding: gradcheck and gradgradcheck with respect to the weight") {
    nn::Embedding layer(5, 3);
    layer.to(Dtype::float64);
    Tensor index = indices({0, 2, 4, 2, 2, 1}, Shape{2, 3});
    nn::test::check_grads([&layer, &index](const std::vector<Tensor>&) { return layer(index); },
                          layer.parameters());
}

TEST_CASE("Embedding: describes itself as torch and refuses bad sizes and indices") {
    CHECK(nn::Embedding(10, 3).describe() == "Embedding(10, 3)");
    CHECK_THROWS_WITH_AS(nn::Embedding(-1, 3), doctest::Contains("Embedding"), ShapeError);
    nn::Embedding layer(5, 3);
    CHECK_THROWS_WITH_AS(layer(indices({5}, Shape{1})), doctest::Contains("embedding"),
                         IndexError);
    CHECK_THROWS_WITH_AS(layer(indices({-1}, Shape{1})), doctest::Contains("embedding"),
                         IndexError);
    CHECK_THROWS_WITH_AS(layer(zeros(Shape{2})), doctest::Contains("embedding"), DtypeError);
}

}  // TEST_SUITE
