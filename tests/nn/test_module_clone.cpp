// Module::clone: a deep copy of every nn module type (parameters, buffers, children, the train
// flag), sharing no tensor with the original, so that per-thread replicas train independently;
// and replicas trained on several threads at once (run under ThreadSanitizer in CI).
#include <doctest/doctest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
// One module of every type in nn, each with an input it accepts.
struct Case {
    std::shared_ptr<nn::Module> module;
    Shape input;
};

std::vector<Case> every_module(Generator& gen) {
    std::vector<Case> cases = {
        {std::make_shared<nn::Identity>(), Shape{2, 3}},
        {std::make_shared<nn::Tanh>(), Shape{2, 3}},
        {std::make_shared<nn::Sigmoid>(), Shape{2, 3}},
        {std::make_shared<nn::ReLU>(), Shape{2, 3}},
        {std::make_shared<nn::LeakyReLU>(0.2), Shape{2, 3}},
        {std::make_shared<nn::GELU>("tanh"), Shape{2, 3}},
        {std::make_shared<nn::SiLU>(), Shape{2, 3}},
        {std::make_shared<nn::ELU>(0.5), Shape{2, 3}},
        {std::make_shared<nn::Softmax>(1), Shape{2, 3}},
        {std::make_shared<nn::LogSoftmax>(0), Shape{2, 3}},
        {std::make_shared<nn::Linear>(3, 4, gen), Shape{2, 3}},
        {std::make_shared<nn::Linear>(3, 4, false, gen), Shape{2, 3}},
        {std::make_shared<nn::Conv2d>(2, 3, 3, nn::Conv2dOptions{.padding = 1}, gen),
         Shape{2, 2, 5, 5}},
        {std::make_shared<nn::Dropout>(0.0, gen), Shape{2, 3}},
        {std::make_shared<nn::Flatten>(), Shape{2, 2, 3}},
        {std::make_shared<nn::BatchNorm1d>(3), Shape{4, 3}},
        {std::make_shared<nn::BatchNorm2d>(2), Shape{2, 2, 3, 3}},
        {std::make_shared<nn::LayerNorm>(std::vector<std::int64_t>{3}), Shape{2, 3}},
        {std::make_shared<nn::MaxPool2d>(2), Shape{1, 2, 4, 4}},
        {std::make_shared<nn::AvgPool2d>(2), Shape{1, 2, 4, 4}},
        {std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
             std::make_shared<nn::Linear>(3, 3, gen), std::make_shared<nn::BatchNorm1d>(3),
             std::make_shared<nn::Tanh>()}),
         Shape{4, 3}},
    };
    return cases;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && a.dtype() == b.dtype() &&
           std::memcmp(a.impl()->data, b.impl()->data,
                       static_cast<std::size_t>(a.numel()) * dtype_size(a.dtype())) == 0;
}
}  // namespace

TEST_SUITE("module clone") {
    TEST_CASE("every nn module clones to its own type, state and train flag, sharing no tensor") {
        Generator gen(5);
        for (Case& c : every_module(gen)) {
            INFO(c.module->describe());
            c.module->eval();
            std::shared_ptr<nn::Module> copy = c.module->clone();
            REQUIRE(copy != nullptr);
            const nn::Module &copied = *copy, &original_module = *c.module;
            CHECK(typeid(copied) == typeid(original_module));
            CHECK(copy->describe() == c.module->describe());
            CHECK_FALSE(copy->is_training());
            auto original = c.module->state_dict(), cloned = copy->state_dict();
            REQUIRE(cloned.size() == original.size());
            for (std::size_t i = 0; i < original.size(); ++i) {
                INFO(original[i].name);
                CHECK(cloned[i].name == original[i].name);
                CHECK(same_bits(cloned[i].tensor, original[i].tensor));
                CHECK(cloned[i].tensor.impl()->data != original[i].tensor.impl()->data);
                CHECK(cloned[i].tensor.requires_grad() == original[i].tensor.requires_grad());
                CHECK(cloned[i].tensor.is_leaf());
            }
            Tensor x = randn(c.input, gen);
            CHECK(same_bits((*copy)(x), (*c.module)(x)));
        }
    }

    TEST_CASE("training a clone leaves the original's parameters, buffers and gradients alone") {
        Generator gen(7);
        nn::Sequential model{std::make_shared<nn::Linear>(3, 3, gen),
                             std::make_shared<nn::BatchNorm1d>(3), std::make_shared<nn::Tanh>(),
                             std::make_shared<nn::Linear>(3, 1, gen)};
        std::vector<Tensor> before;
        for (const auto& entry : model.state_dict()) before.push_back(entry.tensor.clone());
        auto replica = std::static_pointer_cast<nn::Sequential>(model.clone());
        nn::SGD optimizer(replica->parameters(), {.lr = 0.1});
        for (int step = 0; step < 3; ++step) {
            optimizer.zero_grad();
            sum((*replica)(randn({4, 3}, gen))).backward();
            optimizer.step();
        }
        auto after = model.state_dict();
        for (std::size_t i = 0; i < after.size(); ++i) {
            INFO(after[i].name);
            CHECK(same_bits(after[i].tensor, before[i]));
        }
        for (const Tensor& p : model.parameters()) CHECK_FALSE(p.grad().defined());
        CHECK(replica->at<nn::BatchNorm1d>(1).num_batches_tracked() == 3);
        CHECK(model.at<nn::BatchNorm1d>(1).num_batches_tracked() == 0);
    }

    TEST_CASE("a frozen parameter stays frozen in the clone") {
        nn::Linear layer(2, 2);
        Tensor bias = layer.bias();
        bias.requires_grad_(false);
        auto copy = std::static_pointer_cast<nn::Linear>(layer.clone());
        CHECK(copy->weight().requires_grad());
        CHECK_FALSE(copy->bias().requires_grad());
    }

    TEST_CASE("a module type without clone throws logic_error naming it") {
        struct Custom : nn::Module {
            Tensor forward(const Tensor& x) override { return x; }
            std::string describe() const override { return "Custom()"; }
        };
        Custom custom;
        CHECK_THROWS_AS(custom.clone(), std::logic_error);
        try {
            custom.clone();
        } catch (const std::logic_error& e) {
            CHECK(std::string(e.what()).find("Custom()") != std::string::npos);
        }
    }

    TEST_CASE("replicas trained on several threads each match a one-thread run bitwise") {
        Generator gen(11);
        nn::Sequential model{std::make_shared<nn::Linear>(4, 8, gen), std::make_shared<nn::ReLU>(),
                             std::make_shared<nn::Linear>(8, 1, gen)};
        auto train = [&](nn::Module& replica, int seed) {
            Generator data(seed);
            nn::SGD optimizer(replica.parameters(), {.lr = 0.05, .momentum = 0.9});
            for (int step = 0; step < 20; ++step) {
                optimizer.zero_grad();
                Tensor x = randn({8, 4}, data);
                nn::mse_loss(replica(x), sum(x, {1}, true)).backward();
                optimizer.step();
            }
            return replica.parameters();
        };
        constexpr int kThreads = 3;
        std::vector<std::vector<Tensor>> expected;
        for (int t = 0; t < kThreads; ++t) expected.push_back(train(*model.clone(), t));
        std::vector<std::shared_ptr<nn::Module>> replicas;
        for (int t = 0; t < kThreads; ++t) replicas.push_back(model.clone());
        std::vector<std::vector<Tensor>> got(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] { got[t] = train(*replicas[t], t); });
        for (std::thread& t : threads) t.join();
        for (int t = 0; t < kThreads; ++t)
            for (std::size_t i = 0; i < expected[t].size(); ++i) {
                INFO("thread ", t, ", parameter ", i);
                CHECK(same_bits(got[t][i], expected[t][i]));
            }
    }
}
