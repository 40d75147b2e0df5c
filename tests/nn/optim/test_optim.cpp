// SGD (plain, momentum, dampening, nesterov, weight decay), Adam and AdamW (each with amsgrad) and
// RMSprop (alpha, eps, weight decay, momentum, centered) against PyTorch: five steps from the same
// weights, with the learning rate halved before step 4, compared to the figures
// reference/optim_reference.py obtained from torch 1.13 (reference/optim_reference.inc).
// Also: parameters without gradients are skipped, and bad hyper-parameters are refused.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
struct OptimReference {
    std::string config;
    std::vector<std::vector<double>> steps;  // W (row-major) then b, after each step
};
#include "reference/optim_reference.inc"

using Factory = std::function<std::unique_ptr<nn::Optimizer>(std::vector<Tensor>)>;

template <class Opt, class Options>
Factory make(Options options) {
    return [options](std::vector<Tensor> p) { return std::make_unique<Opt>(p, options); };
}

// The script's CONFIGS, by name.
std::unique_ptr<nn::Optimizer> make_optimizer(const std::string& config, std::vector<Tensor> p) {
    static const std::map<std::string, Factory> factories = {
        {"sgd", make<nn::SGD>(nn::SGDOptions{.lr = 0.1})},
        {"sgd_momentum", make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.9})},
        {"sgd_dampening",
         make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.3})},
        {"sgd_nesterov",
         make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .nesterov = true})},
        {"sgd_weight_decay",
         make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.5, .weight_decay = 0.2})},
        {"adam", make<nn::Adam>(nn::AdamOptions{.lr = 0.05})},
        {"adam_custom",
         make<nn::Adam>(nn::AdamOptions{
             .lr = 0.05, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-3, .weight_decay = 0.1})},
        {"adam_amsgrad",
         make<nn::Adam>(nn::AdamOptions{
             .lr = 0.05, .beta1 = 0.8, .beta2 = 0.95, .weight_decay = 0.1, .amsgrad = true})},
        {"adamw", make<nn::AdamW>(nn::AdamWOptions{.lr = 0.05})},
        {"adamw_custom",
         make<nn::AdamW>(nn::AdamWOptions{
             .lr = 0.05, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-3, .weight_decay = 0.5})},
        {"adamw_amsgrad",
         make<nn::AdamW>(nn::AdamWOptions{
             .lr = 0.05, .beta1 = 0.8, .beta2 = 0.95, .weight_decay = 0.5, .amsgrad = true})},
        {"rmsprop", make<nn::RMSprop>(nn::RMSpropOptions{.lr = 0.01})},
        {"rmsprop_custom", make<nn::RMSprop>(nn::RMSpropOptions{
                               .lr = 0.02, .alpha = 0.9, .eps = 1e-3, .weight_decay = 0.1})},
        {"rmsprop_momentum", make<nn::RMSprop>(nn::RMSpropOptions{.lr = 0.01, .momentum = 0.9})},
        {"rmsprop_centered",
         make<nn::RMSprop>(nn::RMSpropOptions{.lr = 0.01, .alpha = 0.9, .centered = true})},
        {"rmsprop_all", make<nn::RMSprop>(nn::RMSpropOptions{.lr = 0.01,
                                                             .alpha = 0.9,
                                                             .eps = 1e-4,
                                                             .weight_decay = 0.2,
                                                             .momentum = 0.5,
                                                             .centered = true})},
    };
    auto found = factories.find(config);
    REQUIRE_MESSAGE(found != factories.end(), "no optimiser for config ", config);
    return found->second(std::move(p));
}

// The script's model and loss, trained for the reference's number of steps.
std::vector<std::vector<double>> trajectory(const std::string& config, Dtype dtype) {
    Tensor w = tensor({{0.5, -0.3, 0.8}, {-0.2, 0.4, 0.1}}, dtype).requires_grad_();
    Tensor b = tensor({0.1, -0.2}, dtype).requires_grad_();
    Tensor x =
        tensor({{1.0, 2.0, -1.0}, {0.5, -1.5, 2.0}, {-0.3, 0.7, 0.2}, {1.2, -0.4, -0.9}}, dtype);
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

TEST_CASE("every optimiser config follows PyTorch's float64 trajectories to rounding") {
    check_against(kReferenceF64, Dtype::float64, 1e-13);
}

TEST_CASE("every optimiser config follows PyTorch's float32 trajectories to float precision") {
    check_against(kReferenceF32, Dtype::float32, 2e-6);
}

TEST_CASE("every optimiser config steps a large parameter to the same bits on every kernel ISA") {
    using kernels::GemmIsa;
    if (!kernels::gemm_isa_supported(GemmIsa::avx512)) {
        MESSAGE("this CPU has no AVX-512: only the baseline loops run here");
        return;
    }
    const GemmIsa restore = kernels::gemm_isa();
    for (const OptimReference& ref : kReferenceF32)
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            INFO(ref.config, " ", dtype_name(dtype));
            std::vector<std::vector<double>> runs;
            for (GemmIsa isa : {GemmIsa::portable, GemmIsa::avx512}) {
                kernels::set_gemm_isa(isa);
                Generator gen(3);
                Tensor w = randn({300}, gen, dtype).requires_grad_();  // past the wide loop's 64
                Tensor target = randn({300}, gen, dtype);
                auto opt = make_optimizer(ref.config, {w});
                for (int step = 0; step < 3; ++step) {
                    opt->zero_grad();
                    nn::mse_loss(w * w, target).backward();
                    opt->step();
                }
                runs.push_back(w.values());
            }
            CHECK(runs[0] == runs[1]);
        }
    kernels::set_gemm_isa(restore);
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

TEST_CASE("AdamW shrinks the parameter by 1 - lr * weight_decay; Adam adds decay to the grad") {
    // By hand, p = 2, lr 0.1, weight_decay 0.5, beta1 = beta2 = 0 (each step moves by
    // lr * g / (|g| + eps)), zero gradient. AdamW: m = v = 0, so only the decay acts:
    // p = 2 * 0.95 = 1.9, then 1.805. Adam: g = 0.5 * p > 0, so each step moves by lr: 1.9, 1.8.
    Tensor p = full(Shape{1}, 2.0, Dtype::float64).requires_grad_();
    Tensor q = full(Shape{1}, 2.0, Dtype::float64).requires_grad_();
    nn::AdamW adamw({p}, {.lr = 0.1, .beta1 = 0, .beta2 = 0, .weight_decay = 0.5});
    nn::Adam adam({q}, {.lr = 0.1, .beta1 = 0, .beta2 = 0, .weight_decay = 0.5});
    for (double expected : {1.9, 1.805}) {
        p.set_grad(zeros(Shape{1}, Dtype::float64));
        adamw.step();
        CHECK(p.item() == doctest::Approx(expected).epsilon(1e-15));
    }
    for (double expected : {1.9, 1.8}) {
        q.set_grad(zeros(Shape{1}, Dtype::float64));
        adam.step();
        CHECK(q.item() == doctest::Approx(expected).epsilon(1e-7));  // eps 1e-8 beside |g| ~ 1
    }
}

TEST_CASE("amsgrad normalises by the largest second moment seen") {
    // By hand, lr 1, beta1 0 (m = g, no first correction), beta2 0.5, eps 0; grads 2 then 1.
    // Step 1: v = 2, denom = sqrt(2 / 0.5) = 2, p = -1. Step 2: v = 0.5 * 2 + 0.5 * 1 = 1.5 but
    // v_max = 2, so amsgrad moves by 1 / sqrt(2 / 0.75) and plain Adam by 1 / sqrt(1.5 / 0.75).
    Tensor p = zeros(Shape{1}, Dtype::float64).requires_grad_();
    Tensor q = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::Adam ams({p}, {.lr = 1, .beta1 = 0, .beta2 = 0.5, .eps = 0, .amsgrad = true});
    nn::Adam plain({q}, {.lr = 1, .beta1 = 0, .beta2 = 0.5, .eps = 0});
    for (double g : {2.0, 1.0}) {
        p.set_grad(full(Shape{1}, g, Dtype::float64));
        q.set_grad(full(Shape{1}, g, Dtype::float64));
        ams.step();
        plain.step();
    }
    CHECK(p.item() == doctest::Approx(-1 - 1 / std::sqrt(2 / 0.75)).epsilon(1e-15));
    CHECK(q.item() == doctest::Approx(-1 - 1 / std::sqrt(1.5 / 0.75)).epsilon(1e-15));
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

TEST_CASE("every optimiser skips parameters without a gradient and steps zero-size ones") {
    for (const char* config : {"sgd_nesterov", "sgd_weight_decay", "adam_amsgrad", "adamw_amsgrad",
                               "rmsprop_all", "rmsprop_momentum"}) {
        INFO(config);
        Tensor used = ones(Shape{2}, Dtype::float64).requires_grad_();
        Tensor unused = ones(Shape{2}, Dtype::float64).requires_grad_();
        Tensor empty = zeros(Shape{3, 0}, Dtype::float64).requires_grad_();
        auto opt = make_optimizer(config, {used, unused, empty});
        for (int step = 0; step < 2; ++step) {
            opt->zero_grad();
            (sum(used * used) + sum(empty)).backward();
            opt->step();
        }
        CHECK(unused.values() == std::vector<double>{1, 1});
        CHECK(used.at({0}) < 1);
        CHECK(empty.grad().defined());  // so step() walked a zero-size gradient
        CHECK(empty.shape() == Shape{3, 0});
    }
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
    CHECK_THROWS_WITH_AS(nn::AdamW({p}, {.weight_decay = -0.1}), doctest::Contains("AdamW"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::AdamW({p}, {.beta2 = -0.5}), doctest::Contains("AdamW: invalid beta2"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::RMSprop({p}, {.alpha = 1.5}), doctest::Contains("RMSprop"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::RMSprop({p}, {.momentum = -1}), doctest::Contains("RMSprop"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::RMSprop({p}, {.eps = -1e-8}), doctest::Contains("RMSprop"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(nn::RMSprop({ones(Shape{2})}, {}), doctest::Contains("RMSprop"),
                         GraphError);
    nn::SGD opt({p}, {});
    CHECK_THROWS_WITH_AS(opt.set_lr(-0.5), doctest::Contains("SGD: invalid lr"),
                         std::invalid_argument);
}

}  // TEST_SUITE
