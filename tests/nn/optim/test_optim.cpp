// SGD (plain, momentum, dampening, nesterov, weight decay) and Adam against PyTorch: five steps
// from the same weights, with the learning rate halved before step 4, compared to the figures
// reference/optim_reference.py obtained from torch 1.13 (reference/optim_reference.inc).
// Also: parameters without gradients are skipped, and bad hyper-parameters are refused.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
struct OptimReference {
    std::string config;
    std::vector<std::vector<double>> steps;  // W (row-major) then b, after each step
};
#include "reference/optim_reference.inc"

std::unique_ptr<nn::Optimizer> make_optimizer(const std::string& config, std::vector<Tensor> p) {
    if (config == "sgd") return std::make_unique<nn::SGD>(p, nn::SGDOptions{.lr = 0.1});
    if (config == "sgd_momentum")
        return std::make_unique<nn::SGD>(p, nn::SGDOptions{.lr = 0.1, .momentum = 0.9});
    if (config == "sgd_dampening")
        return std::make_unique<nn::SGD>(
            p, nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.3});
    if (config == "sgd_nesterov")
        return std::make_unique<nn::SGD>(
            p, nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .nesterov = true});
    if (config == "sgd_weight_decay")
        return std::make_unique<nn::SGD>(
            p, nn::SGDOptions{.lr = 0.1, .momentum = 0.5, .weight_decay = 0.2});
    if (config == "adam") return std::make_unique<nn::Adam>(p, nn::AdamOptions{.lr = 0.05});
    REQUIRE(config == "adam_custom");
    return std::make_unique<nn::Adam>(
        p, nn::AdamOptions{.lr = 0.05, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-3,
                           .weight_decay = 0.1});
}

// The script's model and loss, trained for the reference's number of steps.
std::vector<std::vector<double>> trajectory(const std::string& config, Dtype dtype) {
    Tensor w = tensor({{0.5, -0.3, 0.8}, {-0.2, 0.4, 0.1}}, dtype).requires_grad_();
    Tensor b = tensor({0.1, -0.2}, dtype).requires_grad_();
    Tensor x = tensor({{1.0, 2.0, -1.0}, {0.5, -1.5, 2.0}, {-0.3, 0.7, 0.2}, {1.2, -0.4, -0.9}},
                      dtype);
    Tensor y = tensor({{0.9, -0.5}, {-0.8, 0.3}, {0.2, 0.6}, {-0.4, 0.1}}, dtype);
    auto opt = make_optimizer(config, {w, b});
    std::vector<std::vector<double>> steps;
    for (int step = 0; step < 5; ++step) {
        if (step == 3) opt->set_lr(opt->lr() / 2);
        opt->zero_grad();
        nn::mse_loss(tanh(linear(x, w, b)), y).backward();
        opt->step();
        std::vector<double> row = w.values();
        for (double v : b.values()) row.push_back(v);
        steps.push_back(row);
    }
    return steps;
}

void check_against(const std::vector<OptimReference>& reference, Dtype dtype, double tolerance) {
    for (const OptimReference& ref : reference) {
        std::vector<std::vector<double>> ours = trajectory(ref.config, dtype);
        REQUIRE(ours.size() == ref.steps.size());
        for (std::size_t s = 0; s < ours.size(); ++s)
            for (std::size_t i = 0; i < ours[s].size(); ++i) {
                INFO(ref.config, " ", dtype_name(dtype), " step ", s + 1, " value ", i);
                CHECK(std::abs(ours[s][i] - ref.steps[s][i]) <= tolerance);
            }
    }
}
}  // namespace

TEST_SUITE("optim") {

TEST_CASE("SGD and Adam follow PyTorch's float64 trajectories to rounding") {
    check_against(kReferenceF64, Dtype::float64, 1e-13);
}

TEST_CASE("SGD and Adam follow PyTorch's float32 trajectories to float precision") {
    check_against(kReferenceF32, Dtype::float32, 2e-6);
}

TEST_CASE("SGD's first momentum step uses the gradient undamped, later ones damp it") {
    // By hand: grad 1 each step, lr 1, momentum 0.5, dampening 0.5:
    // buf1 = 1, p = -1; buf2 = 0.5 * 1 + 0.5 * 1 = 1, p = -2; buf3 = 1, p = -3.
    Tensor p = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({p}, {.lr = 1, .momentum = 0.5, .dampening = 0.5});
    for (double expected : {-1.0, -2.0, -3.0}) {
        p.set_grad(ones(Shape{1}, Dtype::float64));
        opt.step();
        CHECK(p.item() == expected);
    }
}

TEST_CASE("a parameter backward did not reach is left alone, and zero_grad drops gradients") {
    Tensor used = ones(Shape{2}).requires_grad_();
    Tensor unused = ones(Shape{2}).requires_grad_();
    nn::Adam opt({used, unused}, {.lr = 0.1});
    sum(used * 3.0).backward();
    opt.step();
    CHECK(unused.values() == std::vector<double>{1, 1});
    CHECK(used.at({0}) == doctest::Approx(0.9));  // Adam's first step moves by lr
    opt.zero_grad();
    CHECK_FALSE(used.grad().defined());
}

TEST_CASE("optimisers refuse bad settings and parameters, naming themselves") {
    Tensor p = ones(Shape{2}).requires_grad_();
    CHECK_THROWS_WITH_AS(nn::SGD({p}, {.lr = -1}), doctest::Contains("SGD"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::SGD({p}, {.lr = 0.1, .nesterov = true}), doctest::Contains("SGD"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::Adam({p}, {.beta1 = 1.0}), doctest::Contains("Adam"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::SGD({ones(Shape{2})}, {}), doctest::Contains("SGD"), GraphError);
    Tensor non_leaf = p * 2.0;
    CHECK_THROWS_WITH_AS(nn::Adam({non_leaf}, {}), doctest::Contains("Adam"), GraphError);
    nn::SGD opt({p}, {});
    CHECK_THROWS_WITH_AS(opt.set_lr(-0.5), doctest::Contains("SGD: invalid lr"),
                         std::invalid_argument);
}

}  // TEST_SUITE
