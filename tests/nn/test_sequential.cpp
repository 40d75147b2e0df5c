// Sequential: layers applied in order, indexed and typed access, the PyTorch-style description,
// the summary table (which leaves buffers as they were), and first and second derivatives through
// a whole network; a ReLU followed by a 2×2 MaxPool2d runs fused, with the same bits.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

namespace {
nn::Sequential xor_net(Generator& gen) {
    return nn::Sequential{std::make_shared<nn::Linear>(2, 3, gen), std::make_shared<nn::Tanh>(),
                          std::make_shared<nn::Linear>(3, 3, gen), std::make_shared<nn::Tanh>(),
                          std::make_shared<nn::Linear>(3, 1, gen),
                          std::make_shared<nn::Sigmoid>()};
}

bool same_bits(const Tensor& a, const Tensor& b) {
    std::vector<double> one = a.values(), two = b.values();
    return a.shape() == b.shape() &&
           std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0;
}

// Both ways of running conv, ReLU, 2×2 max-pool: the Sequential (fused) and layer by layer.
void check_fused_relu_pool(nn::Sequential& net, const Tensor& x, bool fused) {
    Tensor out = net(x);
    Tensor by_hand = x;
    for (std::size_t i = 0; i < net.size(); ++i) by_hand = net[i](by_hand);
    CHECK(same_bits(out, by_hand));
    std::vector<Tensor> params = net.parameters();
    Tensor weight = out.detach() * 0.5 - 1;
    std::vector<Tensor> g_out = grad({sum(out * weight)}, params);
    std::vector<Tensor> g_hand = grad({sum(by_hand * weight)}, params);
    for (std::size_t i = 0; i < params.size(); ++i) CHECK(same_bits(g_out[i], g_hand[i]));
    bool found = false;
    for (Node* node = out.grad_fn(); node != nullptr && !found;
         node = node->inputs.empty() ? nullptr : node->inputs[0].grad_fn())
        found = node->op == Op::relu_max_pool2d;
    CHECK(found == fused);
}
}  // namespace

TEST_SUITE("sequential") {

TEST_CASE("Sequential applies its layers in order") {
    Generator gen(4);
    nn::Sequential net = xor_net(gen);
    Tensor x = tensor({{0.0, 1.0}, {1.0, 1.0}});
    Tensor by_hand = x;
    for (std::size_t i = 0; i < net.size(); ++i) by_hand = net[i](by_hand);
    CHECK(net(x).values() == by_hand.values());
    CHECK(net(x).shape() == Shape{2, 1});
}

TEST_CASE("Sequential: layers are built in list order, so seeds reproduce networks") {
    Generator a(9), b(9);
    nn::Sequential first = xor_net(a);
    nn::Sequential second;
    second.emplace_back<nn::Linear>(2, 3, b);
    second.emplace_back<nn::Tanh>();
    second.emplace_back<nn::Linear>(3, 3, b);
    second.push_back(std::make_shared<nn::Tanh>());
    second.emplace_back<nn::Linear>(3, 1, b);
    second.emplace_back<nn::Sigmoid>();
    auto p = first.parameters(), q = second.parameters();
    REQUIRE(p.size() == q.size());
    for (std::size_t i = 0; i < p.size(); ++i) CHECK(p[i].values() == q[i].values());
}

TEST_CASE("Sequential: indexed and typed access, with errors naming Sequential") {
    Generator gen(4);
    nn::Sequential net = xor_net(gen);
    CHECK(net.size() == 6);
    CHECK(net.at<nn::Linear>(2).in_features() == 3);
    CHECK(net[5].describe() == "Sigmoid()");
    CHECK_THROWS_WITH_AS(net[6], doctest::Contains("Sequential: index 6"), IndexError);
    CHECK_THROWS_WITH_AS(net.at<nn::Linear>(1),
                         doctest::Contains("Sequential::at: layer 1 is Tanh"),
                         std::invalid_argument);
    CHECK_THROWS_AS(net.push_back(nullptr), std::invalid_argument);
}

TEST_CASE("Sequential: description and summary") {
    Generator gen(4);
    nn::Sequential net = xor_net(gen);
    CHECK(net.describe() ==
          "Sequential(\n"
          "  (0): Linear(in=2, out=3, bias=true)\n"
          "  (1): Tanh()\n"
          "  (2): Linear(in=3, out=3, bias=true)\n"
          "  (3): Tanh()\n"
          "  (4): Linear(in=3, out=1, bias=true)\n"
          "  (5): Sigmoid()\n"
          ")");
    CHECK(net.summary(Shape{4, 2}) ==
          "Sequential summary for input [4, 2] float32\n"
          "#  layer                           output shape  parameters\n"
          "0  Linear(in=2, out=3, bias=true)  [4, 3]                 9\n"
          "1  Tanh()                          [4, 3]                 0\n"
          "2  Linear(in=3, out=3, bias=true)  [4, 3]                12\n"
          "3  Tanh()                          [4, 3]                 0\n"
          "4  Linear(in=3, out=1, bias=true)  [4, 1]                 4\n"
          "5  Sigmoid()                       [4, 1]                 0\n"
          "total parameters: 25\n");
    nn::Sequential outer{std::make_shared<nn::Sequential>(
        std::initializer_list<std::shared_ptr<nn::Module>>{std::make_shared<nn::ReLU>()})};
    CHECK(outer.describe() == "Sequential(\n  (0): Sequential(\n    (0): ReLU()\n  )\n)");
}

TEST_CASE("Sequential: summary leaves batch norm's running statistics and counter unchanged") {
    nn::Sequential net{std::make_shared<nn::Linear>(2, 3), std::make_shared<nn::BatchNorm1d>(3)};
    Generator gen(2);
    net(nn::test::away_from_zero(Shape{4, 2}, gen).to(Dtype::float32));  // one training step
    std::vector<std::vector<double>> before;
    for (const Tensor& b : net.buffers()) before.push_back(b.values());
    CHECK(net.summary(Shape{4, 2}).find("BatchNorm1d(3") != std::string::npos);
    for (std::size_t i = 0; i < before.size(); ++i) CHECK(net.buffers()[i].values() == before[i]);
    CHECK(net.at<nn::BatchNorm1d>(1).num_batches_tracked() == 1);
}

TEST_CASE("Sequential runs ReLU then 2×2 MaxPool2d as relu_max_pool2d, with the same bits") {
    Generator gen(6);
    const nn::Conv2dOptions same_size{.padding = 1};
    Tensor x = randn({3, 2, 7, 6}, gen);
    nn::Sequential net{std::make_shared<nn::Conv2d>(2, 4, 3, same_size, gen),
                       std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
                       std::make_shared<nn::Flatten>()};
    check_fused_relu_pool(net, x, true);
    nn::Sequential other{std::make_shared<nn::Conv2d>(2, 4, 3, same_size, gen),
                         std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(3, 1, 1),
                         std::make_shared<nn::Flatten>()};
    check_fused_relu_pool(other, x, false);
}

TEST_CASE("Sequential: gradcheck and gradgradcheck through the whole network") {
    Generator gen(4);
    nn::Sequential net = xor_net(gen);
    nn::test::check_module_grads(net, Shape{4, 2});
}

}  // TEST_SUITE
