// Module: dotted parameter and buffer names in registration order, state_dict order, parameter
// counts, zero_grad, float64 conversion and back (leaves requiring grad, values kept, int64
// buffers untouched), the train/eval flag reaching every child, and refused names.
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

// A parameter, a float buffer and an int64 buffer, like batch norm's weight, running mean and
// counter.
class Tracked : public nn::Module {
public:
    Tracked() {
        register_parameter("w", ones(Shape{2}));
        register_buffer("mean", full(Shape{2}, 0.25));
        register_buffer("count", zeros(Shape{}, Dtype::int64));
    }
    Tensor forward(const Tensor& x) override { return x * parameter(0) + buffer(0); }
    std::string describe() const override { return "Tracked()"; }
    void add_buffer(const std::string& name, const Tensor& t) { register_buffer(name, t); }
};

std::vector<std::string> buffer_names(const nn::Module& m) {
    std::vector<std::string> names;
    for (const auto& b : m.named_buffers()) names.push_back(b.name);
    return names;
}
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

TEST_CASE("named_buffers walk as parameters; state_dict interleaves them per module as torch") {
    nn::Sequential net{std::make_shared<nn::Linear>(2, 2), std::make_shared<Tracked>(),
                       std::make_shared<Tracked>()};
    CHECK(buffer_names(net) ==
          std::vector<std::string>{"1.mean", "1.count", "2.mean", "2.count"});
    std::vector<std::string> state;
    for (const auto& entry : net.state_dict()) state.push_back(entry.name);
    // torch.nn.Module.state_dict: a module's parameters, then its buffers, then its children.
    CHECK(state == std::vector<std::string>{"0.weight", "0.bias", "1.w", "1.mean", "1.count",
                                            "2.w", "2.mean", "2.count"});
    CHECK(net.parameter_count() == 2 * 2 + 2 + 2 + 2);  // buffers are not parameters
    for (const Tensor& b : net.buffers()) CHECK_FALSE(b.requires_grad());
    CHECK(net.buffers()[1].dtype() == Dtype::int64);
}

TEST_CASE("register_buffer detaches, shares the data, and refuses names already in use") {
    Tracked m;
    Tensor leaf = ones(Shape{3}, Dtype::float64).requires_grad_();
    m.add_buffer("extra", leaf);
    Tensor stored = m.named_buffers()[2].tensor;
    CHECK_FALSE(stored.requires_grad());
    leaf.data<double>()[0] = 7;  // the buffer is the same storage, as torch's register_buffer
    CHECK(stored.at({0}) == 7);
    CHECK_THROWS_WITH_AS(m.add_buffer("w", ones(Shape{1})),
                         doctest::Contains("register_buffer: name 'w'"), std::invalid_argument);
    CHECK_THROWS_AS(m.add_buffer("mean", ones(Shape{1})), std::invalid_argument);
    CHECK_THROWS_AS(m.add_buffer("a.b", ones(Shape{1})), std::invalid_argument);
    CHECK_THROWS_WITH_AS(m.add_buffer("none", Tensor()), doctest::Contains("register_buffer"),
                         GraphError);
}

TEST_CASE("to(float64) converts floating buffers and keeps int64 buffers int64") {
    nn::Sequential net{std::make_shared<Tracked>()};
    net.to(Dtype::float64);
    auto buffers = net.named_buffers();
    CHECK(buffers[0].tensor.dtype() == Dtype::float64);
    CHECK(buffers[0].tensor.values() == std::vector<double>{0.25, 0.25});
    CHECK_FALSE(buffers[0].tensor.requires_grad());
    CHECK(buffers[1].tensor.dtype() == Dtype::int64);
    // The module's forward reads the converted buffer: float64 throughout.
    CHECK(net(ones(Shape{2}, Dtype::float64)).values() == std::vector<double>{1.25, 1.25});
    net.to(Dtype::float32);
    CHECK(net.buffers()[0].dtype() == Dtype::float32);
    CHECK(net.buffers()[1].dtype() == Dtype::int64);
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
