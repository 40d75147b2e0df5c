// Module: dotted parameter names in registration order, parameter counts, zero_grad, float64
// conversion and back (leaves requiring grad, values kept), the train/eval flag reaching every
// child, and refused names.
#include <doctest/doctest.h>

#include <memory>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
nn::Sequential small_net() {
    Generator gen(3);
    return nn::Sequential{std::make_shared<nn::Linear>(2, 3, gen), std::make_shared<nn::Tanh>(),
                          std::make_shared<nn::Linear>(3, 1, gen)};
}

std::vector<std::string> names_of(const nn::Module& m) {
    std::vector<std::string> names;
    for (const auto& p : m.named_parameters()) names.push_back(p.name);
    return names;
}

// A module with its own parameter and a child, to check the walk order and names.
class Scaled : public nn::Module {
public:
    Scaled() {
        register_parameter("scale", ones(Shape{1}));
        register_module("inner", std::make_shared<nn::Linear>(2, 2));
    }
    Tensor forward(const Tensor& x) override { return child(0)(x) * parameter(0); }
    std::string describe() const override { return "Scaled()"; }
    void add_again() { register_parameter("scale", ones(Shape{1})); }
    void add_dotted() { register_parameter("a.b", ones(Shape{1})); }
};
}  // namespace

TEST_SUITE("module") {

TEST_CASE("named_parameters: own parameters first, then children with dotted prefixes") {
    CHECK(names_of(small_net()) ==
          std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
    nn::Sequential nested{std::make_shared<Scaled>(), std::make_shared<nn::Linear>(2, 1)};
    CHECK(names_of(nested) == std::vector<std::string>{"0.scale", "0.inner.weight",
                                                       "0.inner.bias", "1.weight", "1.bias"});
    CHECK(small_net().parameter_count() == 2 * 3 + 3 + 3 * 1 + 1);
    CHECK(small_net().parameters().size() == 4);
}

TEST_CASE("zero_grad drops every parameter's gradient") {
    nn::Sequential net = small_net();
    sum(net(ones(Shape{4, 2}))).backward();
    for (const Tensor& p : net.parameters()) CHECK(p.grad().defined());
    net.zero_grad();
    for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("to(float64) and back keeps values and leaves that require grad") {
    nn::Sequential net = small_net();
    std::vector<std::vector<double>> before;
    for (const Tensor& p : net.parameters()) before.push_back(p.values());
    net.to(Dtype::float64);
    for (const Tensor& p : net.parameters()) {
        CHECK(p.dtype() == Dtype::float64);
        CHECK((p.is_leaf() && p.requires_grad()));
    }
    CHECK(net(ones(Shape{1, 2}, Dtype::float64)).dtype() == Dtype::float64);
    net.to(Dtype::float32);
    std::vector<Tensor> after = net.parameters();
    for (std::size_t i = 0; i < after.size(); ++i) {
        CHECK(after[i].dtype() == Dtype::float32);
        CHECK(after[i].values() == before[i]);  // float → double → float is exact
    }
    CHECK_THROWS_WITH_AS(net.to(Dtype::int64), doctest::Contains("Module::to"), DtypeError);
}

TEST_CASE("train() and eval() reach every child") {
    nn::Sequential net{std::make_shared<Scaled>(), std::make_shared<nn::Tanh>()};
    CHECK(net[0].is_training());
    net.eval();
    CHECK_FALSE(net.is_training());
    CHECK_FALSE(net[0].is_training());
    CHECK_FALSE(net[1].is_training());
    net.train();
    CHECK(net[1].is_training());
}

TEST_CASE("register_parameter refuses repeated and dotted names") {
    Scaled m;
    CHECK_THROWS_WITH_AS(m.add_again(), doctest::Contains("register_parameter: name 'scale'"),
                         std::invalid_argument);
    CHECK_THROWS_AS(m.add_dotted(), std::invalid_argument);
}

}  // TEST_SUITE
