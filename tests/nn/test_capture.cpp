// Captured training steps (nn/capture.hpp): N replayed steps equal N eager steps bit for bit (XOR
// with SGD, the sine MLP with Adam, float64 with momentum, BatchNorm2d with RMSprop), the guards
// (input shape, grad and anomaly modes, set_lr and schedulers, zero_grad between steps) and the
// eager fallback for what a plan cannot replay (a generator made in the loss, batch norm's
// cumulative average, item() in the loss).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

namespace {
using Bytes = std::vector<unsigned char>;

Bytes bytes_of(const Tensor& t) {
    if (!t.defined()) return {};
    const auto* p = static_cast<const unsigned char*>(t.impl()->data);
    return Bytes(p, p + t.numel() * static_cast<std::int64_t>(dtype_size(t.dtype())));
}

// A model, its optimiser and the loss of one batch; made fresh for each engine from one seed.
struct Setup {
    std::shared_ptr<nn::Module> model;
    std::unique_ptr<nn::Optimizer> opt;
    std::function<Tensor(std::span<const Tensor>)> loss;
};

// What a run leaves: every step's loss and, at the end, parameters, gradients and whether the
// last step replayed.
struct Trace {
    std::vector<Bytes> losses;
    std::vector<Bytes> params, grads, buffers;
    bool replayed = false;
    std::string fallback;
};

// Runs `steps` steps; before step i, `between(i, setup, batch)` may change the optimiser or
// the batch.
using Between = std::function<void(int, Setup&, std::vector<Tensor>&)>;
Trace run(const std::function<Setup()>& make, std::vector<Tensor> batch, int steps,
          nn::Engine engine, const Between& between = {}) {
    Setup s = make();
    nn::CapturedStep step(*s.opt, s.loss, engine);
    Trace trace;
    for (int i = 0; i < steps; ++i) {
        if (between) between(i, s, batch);
        trace.losses.push_back(bytes_of(step(batch)));
    }
    for (const Tensor& p : s.opt->parameters()) {
        trace.params.push_back(bytes_of(p));
        trace.grads.push_back(bytes_of(p.grad()));
    }
    for (const Tensor& b : s.model->buffers()) trace.buffers.push_back(bytes_of(b));
    trace.replayed = step.replayed();
    trace.fallback = step.fallback_reason();
    return trace;
}

void check_same(const Trace& replay, const Trace& eager) {
    REQUIRE(replay.losses.size() == eager.losses.size());
    int first_diff = -1;
    for (std::size_t i = 0; i < replay.losses.size() && first_diff < 0; ++i)
        if (replay.losses[i] != eager.losses[i]) first_diff = static_cast<int>(i);
    INFO("first step whose loss differs: ", first_diff);
    CHECK(first_diff == -1);
    CHECK(replay.params == eager.params);
    CHECK(replay.grads == eager.grads);
    CHECK(replay.buffers == eager.buffers);
}

Setup xor_setup(double lr) {
    auto net = std::make_shared<nn::Sequential>(nn::test::xor_net(0));
    Setup s{net, std::make_unique<nn::SGD>(net->parameters(), nn::SGDOptions{.lr = lr}), {}};
    const Tensor y = from_vector(std::vector<double>{0, 1, 1, 0}, Shape{4, 1});
    s.loss = [net, y](std::span<const Tensor> in) {
        return nn::binary_cross_entropy((*net)(in[0]), y);
    };
    return s;
}
Tensor xor_inputs() {
    return tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}});
}

// The second workload: 1-32-32-1 tanh regressing sin(x) on 64 points, Adam.
Setup sine_setup() {
    Generator gen(3);
    auto net = std::make_shared<nn::Sequential>(
        nn::Sequential{std::make_shared<nn::Linear>(1, 32, gen), std::make_shared<nn::Tanh>(),
                       std::make_shared<nn::Linear>(32, 32, gen), std::make_shared<nn::Tanh>(),
                       std::make_shared<nn::Linear>(32, 1, gen)});
    Setup s{net, std::make_unique<nn::Adam>(net->parameters(), nn::AdamOptions{.lr = 1e-2}), {}};
    s.loss = [net](std::span<const Tensor> in) { return nn::mse_loss((*net)(in[0]), in[1]); };
    return s;
}
std::vector<Tensor> sine_batch() {
    std::vector<double> x, y;
    for (int i = 0; i < 64; ++i) {
        x.push_back(-3.2 + 0.1 * i);
        y.push_back(std::sin(x.back()));
    }
    return {from_vector(x, Shape{64, 1}), from_vector(y, Shape{64, 1})};
}
}  // namespace

TEST_SUITE("capture") {
    TEST_CASE("XOR with SGD: 300 replayed steps equal 300 eager steps bit for bit") {
        auto make = [] { return xor_setup(0.5); };
        Trace replay = run(make, {xor_inputs()}, 300, nn::Engine::replay);
        Trace eager = run(make, {xor_inputs()}, 300, nn::Engine::eager);
        CHECK(replay.replayed);
        CHECK(replay.fallback.empty());
        CHECK_FALSE(eager.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("sine MLP with Adam: 200 replayed steps equal 200 eager steps bit for bit") {
        Trace replay = run([] { return sine_setup(); }, sine_batch(), 200, nn::Engine::replay);
        Trace eager = run([] { return sine_setup(); }, sine_batch(), 200, nn::Engine::eager);
        INFO(replay.fallback);
        CHECK(replay.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("a small CNN with dropout and an MLP on cross-entropy: replay equals eager") {
        // Fashion-MNIST's two models in miniature: 6×6 images, 3 classes, SGD momentum 0.9.
        auto cnn = [] {
            auto gen = std::make_shared<Generator>(4);
            auto net = std::make_shared<nn::Sequential>(nn::Sequential{
                std::make_shared<nn::Conv2d>(1, 4, 3, nn::Conv2dOptions{.padding = 1}, *gen),
                std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
                std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(36, 8, *gen),
                std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.25, *gen),
                std::make_shared<nn::Linear>(8, 3, *gen)});
            Setup s{net,
                    std::make_unique<nn::SGD>(net->parameters(),
                                              nn::SGDOptions{.lr = 0.05, .momentum = 0.9}),
                    {}};
            s.loss = [net, gen](std::span<const Tensor> in) {
                return nn::cross_entropy((*net)(in[0]), in[1]);
            };
            return s;
        };
        auto mlp = [] {
            Generator gen(6);
            auto net = std::make_shared<nn::Sequential>(nn::Sequential{
                std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(36, 16, gen),
                std::make_shared<nn::ReLU>(), std::make_shared<nn::Linear>(16, 3, gen)});
            Setup s{net,
                    std::make_unique<nn::SGD>(net->parameters(),
                                              nn::SGDOptions{.lr = 0.05, .momentum = 0.9}),
                    {}};
            s.loss = [net](std::span<const Tensor> in) {
                return nn::cross_entropy((*net)(in[0]), in[1]);
            };
            return s;
        };
        // A new batch every step, as a data loader hands them out.
        Between next_batch = [](int i, Setup&, std::vector<Tensor>& batch) {
            Generator gen(static_cast<std::uint64_t>(100 + i));
            std::vector<double> labels;
            for (int n = 0; n < 8; ++n) labels.push_back(static_cast<double>(gen.next_u64() % 3));
            batch = {uniform(Shape{8, 1, 6, 6}, 0, 1, gen),
                     from_vector(labels, Shape{8}, Dtype::int64)};
        };
        const std::pair<const char*, std::function<Setup()>> models[] = {{"cnn", cnn},
                                                                         {"mlp", mlp}};
        for (const auto& model : models) {
            const std::function<Setup()>& make = model.second;
            INFO(std::string(model.first));
            Trace replay = run(make, {}, 25, nn::Engine::replay, next_batch);
            Trace eager = run(make, {}, 25, nn::Engine::eager, next_batch);
            INFO(replay.fallback);
            CHECK(replay.replayed);
            check_same(replay, eager);
        }
    }

    TEST_CASE("BatchNorm2d with RMSprop: replayed steps equal eager steps, running stats too") {
        // conv, batch norm (batch statistics in training, running ones in eval), relu, linear;
        // RMSprop centered and with momentum. The buffers (running_mean, running_var,
        // num_batches_tracked) must move as eager moves them.
        struct Variant {
            const char* name;
            nn::RMSpropOptions options;
            bool training;
        };
        const Variant variants[] = {
            {"centered", {.lr = 0.01, .centered = true}, true},
            {"momentum", {.lr = 0.01, .momentum = 0.9}, true},
            {"centered, momentum, weight decay",
             {.lr = 0.005, .weight_decay = 1e-3, .momentum = 0.5, .centered = true},
             true},
            {"eval mode (running statistics)", {.lr = 0.01, .momentum = 0.9}, false},
        };
        Between next_batch = [](int i, Setup&, std::vector<Tensor>& batch) {
            Generator gen(static_cast<std::uint64_t>(200 + i));
            std::vector<double> labels;
            for (int n = 0; n < 6; ++n) labels.push_back(static_cast<double>(gen.next_u64() % 3));
            batch = {uniform(Shape{6, 2, 5, 5}, -1, 2, gen),
                     from_vector(labels, Shape{6}, Dtype::int64)};
        };
        for (const Variant& v : variants) {
            INFO(std::string(v.name));
            auto make = [&v] {
                Generator gen(8);
                auto net = std::make_shared<nn::Sequential>(nn::Sequential{
                    std::make_shared<nn::Conv2d>(2, 3, 3, nn::Conv2dOptions{.padding = 1}, gen),
                    std::make_shared<nn::BatchNorm2d>(3), std::make_shared<nn::ReLU>(),
                    std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(75, 3, gen)});
                if (!v.training) net->eval();
                Setup s{net, std::make_unique<nn::RMSprop>(net->parameters(), v.options), {}};
                s.loss = [net](std::span<const Tensor> in) {
                    return nn::cross_entropy((*net)(in[0]), in[1]);
                };
                return s;
            };
            Trace replay = run(make, {}, 30, nn::Engine::replay, next_batch);
            Trace eager = run(make, {}, 30, nn::Engine::eager, next_batch);
            INFO(replay.fallback);
            CHECK(replay.replayed);
            REQUIRE(replay.buffers.size() == 3);
            check_same(replay, eager);
        }
    }

    TEST_CASE("float64 XOR with SGD momentum, nesterov and weight decay: replay equals eager") {
        auto make = [] {
            Setup s = xor_setup(0.1);
            s.model->to(Dtype::float64);
            s.opt = std::make_unique<nn::SGD>(
                s.model->parameters(),
                nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .nesterov = true, .weight_decay = 1e-3});
            auto net = std::static_pointer_cast<nn::Sequential>(s.model);
            const Tensor y =
                from_vector(std::vector<double>{0, 1, 1, 0}, Shape{4, 1}, Dtype::float64);
            s.loss = [net, y](std::span<const Tensor> in) {
                return nn::binary_cross_entropy((*net)(in[0]), y);
            };
            return s;
        };
        const Tensor x = xor_inputs().to(Dtype::float64);
        Trace replay = run(make, {x}, 100, nn::Engine::replay);
        Trace eager = run(make, {x}, 100, nn::Engine::eager);
        CHECK(replay.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("dropout draws each replay's mask from its generator, as eager does") {
        auto make = [] {
            auto gen = std::make_shared<Generator>(5);
            Setup s = xor_setup(0.5);
            auto net = std::static_pointer_cast<nn::Sequential>(s.model);
            s.loss = [net, gen](std::span<const Tensor> in) {
                return mean(dropout((*net)(in[0]), 0.3, true, *gen));
            };
            return s;
        };
        Trace replay = run(make, {xor_inputs()}, 50, nn::Engine::replay);
        Trace eager = run(make, {xor_inputs()}, 50, nn::Engine::eager);
        CHECK(replay.replayed);
        check_same(replay, eager);
        CHECK(replay.losses[10] != replay.losses[11]);  // not one mask replayed over and over
    }

    TEST_CASE("a step with create_graph second derivatives (the PINN's u'') replays as eager") {
        auto make = [] {
            Generator gen(2);
            auto net = std::make_shared<nn::Sequential>(nn::Sequential{
                std::make_shared<nn::Linear>(1, 8, gen), std::make_shared<nn::Tanh>(),
                std::make_shared<nn::Linear>(8, 1, gen)});
            Setup s{net, std::make_unique<nn::Adam>(net->parameters(), nn::AdamOptions{}), {}};
            s.loss = [net](std::span<const Tensor> in) {
                const Tensor& x = in[0];
                Tensor u = (*net)(x);
                Tensor du = grad({u}, {x}, {ones_like(u)}, {.create_graph = true})[0];
                Tensor d2u = grad({du}, {x}, {ones_like(du)}, {.create_graph = true})[0];
                return mean((d2u + x) * (d2u + x)) + sum((*net)(in[1]) * (*net)(in[1]));
            };
            return s;
        };
        auto batch = [] {
            Tensor x = from_vector(std::vector<double>{0.1, 0.3, 0.5, 0.7}, Shape{4, 1});
            return std::vector<Tensor>{x.requires_grad_(),
                                       from_vector(std::vector<double>{0, 1}, Shape{2, 1})};
        };
        Trace replay = run(make, batch(), 30, nn::Engine::replay);
        Trace eager = run(make, batch(), 30, nn::Engine::eager);
        INFO(replay.fallback);
        CHECK(replay.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("set_lr and a StepLR scheduler between replays act as in eager") {
        Between schedule = [sched = std::shared_ptr<nn::StepLR>()](int i, Setup& s,
                                                                   std::vector<Tensor>&) mutable {
            if (i == 0) sched = std::make_shared<nn::StepLR>(*s.opt, 7, 0.5);
            if (i == 20) s.opt->set_lr(0.3);
            if (i > 0) sched->step();
        };
        auto make = [] { return sine_setup(); };
        Trace replay = run(make, sine_batch(), 40, nn::Engine::replay, schedule);
        Trace eager = run(make, sine_batch(), 40, nn::Engine::eager, schedule);
        CHECK(replay.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("new input values are copied in; a new input shape captures a second plan") {
        Between change = [](int i, Setup&, std::vector<Tensor>& batch) {
            if (i % 5 == 3) batch = {affine(batch[0], 0.5, 0.25)};  // another tensor, same shape
            if (i == 30) batch = {tensor({{0, 1}, {1, 1}, {1, 0}, {0, 0}, {0.5, 0.5}})};
        };
        auto make = [] {
            Setup s = xor_setup(0.5);
            auto net = std::static_pointer_cast<nn::Sequential>(s.model);
            s.loss = [net](std::span<const Tensor> in) { return mean((*net)(in[0])); };
            return s;
        };
        Trace replay = run(make, {xor_inputs()}, 50, nn::Engine::replay, change);
        Trace eager = run(make, {xor_inputs()}, 50, nn::Engine::eager, change);
        CHECK(replay.replayed);
        check_same(replay, eager);

        Setup s = make();
        nn::CapturedStep step(*s.opt, s.loss);
        step({xor_inputs()});
        step({xor_inputs()});
        CHECK(step.captures() == 1);
        step({tensor({{0, 1}, {1, 1}, {1, 0}})});
        CHECK(step.captures() == 2);
        CHECK_FALSE(step.replayed());
        step({xor_inputs()});  // the first plan is kept
        CHECK(step.captures() == 2);
        CHECK(step.replayed());
    }

    TEST_CASE("zero_grad between replays: the next step leaves the gradients it computed") {
        Between drop = [](int, Setup& s, std::vector<Tensor>&) { s.opt->zero_grad(); };
        auto make = [] { return xor_setup(0.5); };
        Trace replay = run(make, {xor_inputs()}, 20, nn::Engine::replay, drop);
        Trace eager = run(make, {xor_inputs()}, 20, nn::Engine::eager, drop);
        CHECK(replay.replayed);
        check_same(replay, eager);
    }

    TEST_CASE("under anomaly mode a step runs eagerly and later replays continue from its state") {
        auto make = [] { return sine_setup(); };
        std::vector<Bytes> eager_losses = run(make, sine_batch(), 20, nn::Engine::eager).losses;
        Setup s = make();
        nn::CapturedStep step(*s.opt, s.loss);
        std::vector<Tensor> batch = sine_batch();
        for (int i = 0; i < 20; ++i) {
            std::unique_ptr<DetectAnomalyGuard> guard;
            if (i >= 10 && i < 13) guard = std::make_unique<DetectAnomalyGuard>();
            Bytes loss = bytes_of(step(batch));
            INFO("step ", i);
            CHECK(step.replayed() == (i > 0 && (i < 10 || i >= 13)));
            CHECK(loss == eager_losses[static_cast<std::size_t>(i)]);
        }
    }

    TEST_CASE("reset() drops the plans: after eval() the next step captures without dropout") {
        Generator gen(9);
        auto net = std::make_shared<nn::Sequential>(nn::Sequential{
            std::make_shared<nn::Linear>(2, 4, gen), std::make_shared<nn::Dropout>(0.5, gen),
            std::make_shared<nn::Linear>(4, 1, gen)});
        nn::SGD opt(net->parameters(), {.lr = 0.1});
        nn::CapturedStep step(opt, [&](std::span<const Tensor> in) { return mean((*net)(in[0])); });
        step({xor_inputs()});
        step({xor_inputs()});
        CHECK(step.captures() == 1);
        const std::size_t with_dropout = step.plan()->records();
        net->eval();
        step.reset();
        step({xor_inputs()});
        CHECK(step.captures() == 2);
        CHECK(step.plan()->records() == with_dropout - 2);  // no dropout kernel, nor its backward
    }

    TEST_CASE("without grad mode a captured step throws as eager's backward does") {
        Setup s = xor_setup(0.5);
        nn::CapturedStep step(*s.opt, s.loss);
        step({xor_inputs()});
        step({xor_inputs()});
        CHECK(step.replayed());
        NoGradGuard no_grad;
        CHECK_THROWS_AS(step({xor_inputs()}), GraphError);
    }

    TEST_CASE("replay records no tape entries and keeps the plan's buffers") {
        Setup s = xor_setup(0.5);
        nn::CapturedStep step(*s.opt, s.loss);
        const std::vector<Tensor> batch{xor_inputs()};
        step(batch);
        const std::int64_t live = tape_live_entries();
        for (int i = 0; i < 10; ++i) step(batch);
        CHECK(tape_live_entries() == live);
        REQUIRE(step.plan() != nullptr);
        CHECK(step.plan()->records() > 20);
        CHECK(step.plan()->buffer_bytes() < 4096);
    }

    TEST_CASE("what a plan cannot replay falls back to eager, with the reason") {
        struct Case {
            const char* name;
            const char* reason;
            std::function<Setup()> make;
        };
        auto with_loss = [](std::function<Tensor(nn::Sequential&, const Tensor&)> f) {
            return [f] {
                Setup s = xor_setup(0.5);
                auto net = std::static_pointer_cast<nn::Sequential>(s.model);
                s.loss = [net, f](std::span<const Tensor> in) { return f(*net, in[0]); };
                return s;
            };
        };
        const std::vector<Case> cases = {
            {"a generator seeded in the loss", "generator",
             with_loss([](nn::Sequential& net, const Tensor& x) {
                 Generator gen(1);
                 return mean(dropout(net(x), 0.5, true, gen));
             })},
            {"item() in the loss", "item", with_loss([](nn::Sequential& net, const Tensor& x) {
                 Tensor out = mean(net(x));
                 return out.item() > 0.5 ? out * 2.0 : out;
             })},
            {"batch norm's cumulative average", "momentum=None",
             with_loss([](nn::Sequential& net, const Tensor& x) {
                 static nn::BatchNorm1d norm(2, {.momentum = std::nullopt});
                 return mean(net(norm(x)));
             })},
        };
        for (const Case& c : cases) {
            INFO(std::string(c.name));
            Trace replay = run(c.make, {xor_inputs()}, 5, nn::Engine::replay);
            CHECK_FALSE(replay.replayed);
            INFO("reason: ", replay.fallback);
            CHECK(replay.fallback.find(c.reason) != std::string::npos);
        }
    }
}  // TEST_SUITE
