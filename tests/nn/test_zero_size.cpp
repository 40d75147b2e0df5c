// Modules and optimisers on zero-size inputs and parameters, as torch.nn 1.13 behaves: a layer of
// no input features gives its bias (initialised to 0: torch's bound 1/sqrt(fan_in) is 0 when
// fan_in is 0), of no outputs an empty result; an empty batch leaves the running statistics as
// they were and still counts a tracked batch; optimiser steps over empty parameters do nothing.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

TEST_SUITE("zero_size") {
    TEST_CASE("Linear of no input features gives its bias, which starts at 0 as torch's") {
        Generator gen(1);
        nn::Linear layer(0, 3, gen);
        CHECK(layer.weight().shape() == Shape{3, 0});
        CHECK(layer.bias().values() == std::vector<double>(3, 0.0));
        Tensor x = zeros({4, 0}).requires_grad_();
        Tensor y = layer(x);
        CHECK(y.shape() == Shape{4, 3});
        CHECK(y.values() == std::vector<double>(12, 0.0));
        sum(y * 2.0).backward();
        CHECK(layer.bias().grad().values() == std::vector<double>(3, 8.0));
        CHECK(x.grad().shape() == Shape{4, 0});
    }

    TEST_CASE("Linear of no outputs, Flatten, MaxPool2d and Dropout give empty results") {
        Generator gen(2);
        CHECK(nn::Linear(3, 0, gen)(ones({4, 3})).shape() == Shape{4, 0});
        CHECK(nn::Linear(3, 2, gen)(ones({0, 5, 3})).shape() == Shape{0, 5, 2});
        CHECK(nn::Flatten()(ones({0, 2, 3})).shape() == Shape{0, 6});
        CHECK(nn::MaxPool2d(2)(ones({0, 1, 4, 4})).shape() == Shape{0, 1, 2, 2});
        CHECK(nn::Dropout(0.5)(ones({0, 3})).shape() == Shape{0, 3});
        nn::Sequential model{std::make_shared<nn::Linear>(3, 4, gen), std::make_shared<nn::ReLU>(),
                             std::make_shared<nn::Linear>(4, 2, gen)};
        Tensor x = ones({0, 3}).requires_grad_();
        sum(model(x)).backward();
        for (const Tensor& p : model.parameters())
            CHECK(p.grad().values() == std::vector<double>(p.numel(), 0.0));
    }

    TEST_CASE("Conv2d of no input channels gives its bias, which starts at 0 as torch's") {
        Generator gen(3);
        nn::Conv2d conv(0, 2, 3, gen);
        CHECK(conv.bias().values() == std::vector<double>(2, 0.0));
        Tensor y = conv(zeros({1, 0, 5, 5}));
        CHECK(y.shape() == Shape{1, 2, 3, 3});
        CHECK(y.values() == std::vector<double>(18, 0.0));
        CHECK(nn::Conv2d(2, 4, 3, gen)(zeros({0, 2, 5, 5})).shape() == Shape{0, 4, 3, 3});
    }

    TEST_CASE("BatchNorm of an empty batch leaves the running statistics, as torch's") {
        nn::BatchNorm1d bn(3);
        Tensor y = bn(zeros({0, 3}));
        CHECK(y.shape() == Shape{0, 3});
        CHECK(bn.running_mean().values() == std::vector<double>(3, 0.0));
        CHECK(bn.running_var().values() == std::vector<double>(3, 1.0));
        CHECK(bn.num_batches_tracked() == 1);
        nn::LayerNorm ln({0});
        CHECK(ln(zeros({2, 0})).shape() == Shape{2, 0});
    }

    TEST_CASE("Embedding of no rows looks up no indices; an index into it is an IndexError") {
        Generator gen(4);
        nn::Embedding table(0, 3, gen);
        CHECK(table(zeros({0}, Dtype::int64)).shape() == Shape{0, 3});
        CHECK_THROWS_AS(table(zeros({1}, Dtype::int64)), IndexError);
    }

    TEST_CASE("losses over an empty batch: mean nan, sum 0, none empty, as torch's") {
        Tensor x = zeros({0, 3}).requires_grad_();
        Tensor target = zeros({0}, Dtype::int64);
        CHECK(std::isnan(nn::cross_entropy(x, target).item()));
        CHECK(nn::cross_entropy(x, target, nn::Reduction::sum).item() == 0);
        CHECK(nn::cross_entropy(x, target, nn::Reduction::none).shape() == Shape{0});
        CHECK(std::isnan(nn::mse_loss(x, x).item()));
    }

    TEST_CASE("optimiser steps and gradient clipping over empty parameters change nothing") {
        Tensor w = zeros({0, 3}).requires_grad_(), b = ones({2}).requires_grad_();
        nn::SGD sgd({w, b}, {.lr = 0.1, .momentum = 0.9});
        nn::Adam adam({w, b}, {.lr = 0.1});
        for (int step = 0; step < 2; ++step) {
            sgd.zero_grad();
            sum(w * 2.0).backward();
            CHECK(nn::clip_grad_norm_({w}, 1.0) == 0);
            sgd.step();
            adam.step();
        }
        CHECK(w.shape() == Shape{0, 3});
        CHECK(b.values() == std::vector<double>(2, 1.0));
    }
}
