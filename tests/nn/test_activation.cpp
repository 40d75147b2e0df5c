// Activation modules: each forward against a hand-computed value, GELU, SiLU and ELU against
// torch.nn's outputs and gradients (reference/activation_reference.py), and first and second
// derivatives through the module API in float64 (inputs kept away from the kinks at 0).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::test::LayerReference;

namespace {
#include "reference/activation_reference.inc"
}  // namespace

TEST_SUITE("activation") {

TEST_CASE("activation modules compute their functions") {
    Tensor x = tensor({-2.0, 0.0, 3.0}, Dtype::float64);
    CHECK(nn::Identity()(x).values() == x.values());
    CHECK(nn::ReLU()(x).values() == std::vector<double>{0, 0, 3});
    CHECK(nn::LeakyReLU(0.1)(x).values() == std::vector<double>{-0.2, 0, 3});
    CHECK(nn::Tanh()(x).at({0}) == doctest::Approx(std::tanh(-2.0)));
    CHECK(nn::Sigmoid()(x).at({1}) == 0.5);
    // Softmax of [0, log 3] along dim 1 is [1/4, 3/4]; LogSoftmax is its log.
    Tensor row = tensor({{0.0, std::log(3.0)}}, Dtype::float64);
    CHECK(nn::Softmax(1)(row).at({0, 1}) == doctest::Approx(0.75));
    CHECK(nn::LogSoftmax(-1)(row).at({0, 0}) == doctest::Approx(std::log(0.25)));
}

TEST_CASE("activation modules pass gradcheck and gradgradcheck") {
    std::vector<std::shared_ptr<nn::Module>> modules = {
        std::make_shared<nn::Identity>(),   std::make_shared<nn::Tanh>(),
        std::make_shared<nn::Sigmoid>(),    std::make_shared<nn::ReLU>(),
        std::make_shared<nn::LeakyReLU>(0.2), std::make_shared<nn::Softmax>(1),
        std::make_shared<nn::Softmax>(0),   std::make_shared<nn::LogSoftmax>(1),
        std::make_shared<nn::LogSoftmax>(-2),
        std::make_shared<nn::GELU>(),       std::make_shared<nn::GELU>("tanh"),
        std::make_shared<nn::SiLU>(),       std::make_shared<nn::ELU>(),
        std::make_shared<nn::ELU>(0.5),
    };
    for (const auto& module : modules) {
        INFO(module->describe());
        nn::test::check_module_grads(*module, Shape{3, 4});
    }
}

TEST_CASE_TEMPLATE("GELU, SiLU and ELU: outputs and gradients equal torch.nn's, 0 included", T,
                   float, double) {
    const Dtype dtype = dtype_of<T>();
    // The cases of activation_reference.py, in its order.
    const std::vector<std::pair<const char*, std::shared_ptr<nn::Module>>> cases = {
        {"gelu", std::make_shared<nn::GELU>()},
        {"gelu_tanh", std::make_shared<nn::GELU>("tanh")},
        {"silu", std::make_shared<nn::SiLU>()},
        {"elu", std::make_shared<nn::ELU>()},
        {"elu_alpha", std::make_shared<nn::ELU>(0.5)},
    };
    for (const auto& [name, module] : cases)
        nn::test::check_against(*module, nn::test::pattern(Shape{3, 5}, 1, dtype),
                                nn::test::find_reference(kActivationReference, name),
                                dtype == Dtype::float32 ? 1e-6 : 1e-14);
}

TEST_CASE("activation modules describe themselves, and a bad dim names the op") {
    CHECK(nn::LeakyReLU(0.2).describe() == "LeakyReLU(negative_slope=0.2)");
    CHECK(nn::GELU().describe() == "GELU(approximate='none')");
    CHECK(nn::GELU("tanh").describe() == "GELU(approximate='tanh')");
    CHECK(nn::SiLU().describe() == "SiLU()");
    CHECK(nn::ELU(0.5).describe() == "ELU(alpha=0.5)");
    CHECK_THROWS_WITH_AS(nn::GELU("erf"), doctest::Contains("GELU: approximate"),
                         std::invalid_argument);
    CHECK(nn::Softmax(-1).describe() == "Softmax(dim=-1)");
    CHECK_THROWS_AS(nn::LogSoftmax(2)(zeros(Shape{2, 2})), IndexError);
}

}  // TEST_SUITE
