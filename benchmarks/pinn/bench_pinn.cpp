// The physics-informed example (examples/pinn.cpp) timed end to end, as reference/pinn_torch.py
// does: 1-32-32-1 tanh, u'' by two grad calls with create_graph, loss = mean squared residual
// of u'' + pi^2 sin(pi x) at x = i/65 (i = 1..64) + u(0)^2 + u(1)^2, Adam lr 1e-3, 5,000 steps,
// float32, seed 0, one thread by default, in both engines (a captured step replayed, the default;
// and eager). Prints the median of --runs runs (default 3):
//   pinn_5000_steps <s> s, pinn_step <us> us, pinn_final_loss <loss> loss,
//   pinn_rel_l2_error <error on 1,001 points of [0, 1]> error, and each with suffix _eager.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_engines.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
constexpr double kPi = std::numbers::pi;

struct Timing {
    double seconds;
    double final_loss;
    double rel_l2_error;
};

Tensor column(const std::vector<double>& values) {
    return from_vector(values, Shape{static_cast<std::int64_t>(values.size()), 1});
}

double rel_l2_error(nn::Sequential& model) {
    NoGradGuard no_grad;
    std::vector<double> grid(1001);
    for (std::size_t i = 0; i < grid.size(); ++i) grid[i] = static_cast<double>(i) / 1000;
    const std::vector<double> u = model(column(grid)).values();
    double error = 0, norm = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double exact = std::sin(kPi * grid[i]);
        error += (u[i] - exact) * (u[i] - exact);
        norm += exact * exact;
    }
    return std::sqrt(error / norm);
}

Timing run_once(long steps, nn::Engine engine) {
    Generator gen(0);
    nn::Sequential model{std::make_shared<nn::Linear>(1, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 1, gen)};
    nn::Adam optimizer(model.parameters(), {.lr = 1e-3});
    std::vector<double> xs(64), forcing_values(64);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        xs[i] = static_cast<double>(i + 1) / 65;
        forcing_values[i] = kPi * kPi * std::sin(kPi * xs[i]);
    }
    const Tensor x = column(xs).requires_grad_(true), forcing = column(forcing_values);
    const Tensor ends = column({0.0, 1.0});
    nn::CapturedStep step(
        optimizer,
        [&](std::span<const Tensor>) {
            const Tensor u = model(x);
            const Tensor du = grad({u}, {x}, {ones_like(u)}, {.create_graph = true})[0];
            const Tensor d2u = grad({du}, {x}, {ones_like(du)}, {.create_graph = true})[0];
            const Tensor residual = d2u + forcing, boundary = model(ends);
            return mean(residual * residual) + sum(boundary * boundary);
        },
        engine);
    const bench::StepsTiming timed = bench::time_steps(step, {}, steps);
    if (engine == nn::Engine::replay && !step.fallback_reason().empty())
        std::fprintf(stderr, "bench_pinn: ran eagerly: %s\n", step.fallback_reason().c_str());
    return {timed.seconds, timed.final_loss, rel_l2_error(model)};
}

}  // namespace

// --steps N, --runs N, --engine replay|eager|both, --threads N (default 1: the setup compared
// with PyTorch's).
int main(int argc, char** argv) {
    const long steps = bench::long_flag(argc, argv, "--steps", 5'000);
    const long runs = bench::long_flag(argc, argv, "--runs", 3);
    if (steps <= 0 || runs <= 0) {
        std::fprintf(stderr,
                     "usage: bench_pinn [--steps N] [--runs N] [--engine replay|eager|both]\n"
                     "                  [--threads N]\n");
        return 2;
    }
    set_num_threads(static_cast<int>(std::max(1L, bench::long_flag(argc, argv, "--threads", 1))));
    bench::time_engines(
        argc, argv, runs, [&](nn::Engine engine) { return run_once(steps, engine); },
        [&](const auto& median, const char* suffix) {
            std::printf("pinn_%ld_steps%s %.4f s\n", steps, suffix, median.seconds);
            std::printf("pinn_step%s %.3f us\n", suffix,
                        median.seconds / static_cast<double>(steps) * 1e6);
            std::printf("pinn_final_loss%s %.6g loss\n", suffix, median.final_loss);
            std::printf("pinn_rel_l2_error%s %.3g error\n", suffix, median.rel_l2_error);
        });
    return 0;
}
