// The second small workload of issue 10, as reference/sine_torch.py and sine_libtorch.cpp run it:
// a 1-32-32-1 tanh MLP regressing sin(x) on 64 points evenly spaced over [-pi, pi], MSE loss,
// full-batch Adam lr 1e-3, --steps steps (default 5,000), float32, seed 0, one thread, in both
// engines (a captured step replayed, the default; and eager). Median of --runs runs (default 5):
//   sine_step <us> us, sine_final_loss <loss of the last step> loss, and both with suffix _eager.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_engines.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
std::array<Tensor, 2> sine_points() {
    std::vector<double> x, y;
    for (int i = 0; i < 64; ++i) {
        x.push_back(-std::numbers::pi + 2 * std::numbers::pi * i / 63);
        y.push_back(std::sin(x.back()));
    }
    return {from_vector(x, Shape{64, 1}), from_vector(y, Shape{64, 1})};
}

bench::StepsTiming run_once(long steps, nn::Engine engine) {
    Generator gen(0);
    nn::Sequential model{std::make_shared<nn::Linear>(1, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 1, gen)};
    nn::Adam optimizer(model.parameters(), {.lr = 1e-3});
    nn::CapturedStep step(
        optimizer, [&](std::span<const Tensor> in) { return nn::mse_loss(model(in[0]), in[1]); },
        engine);
    const std::array<Tensor, 2> batch = sine_points();
    return bench::time_steps(step, batch, steps);
}

}  // namespace

// --steps N, --runs N, --engine replay|eager|both, --threads N (accepted for compare.sh; this
// runs on one thread).
int main(int argc, char** argv) {
    const long steps = bench::long_flag(argc, argv, "--steps", 5'000);
    const long runs = bench::long_flag(argc, argv, "--runs", 5);
    if (steps <= 0 || runs <= 0) {
        std::fprintf(stderr,
                     "usage: bench_sine [--steps N] [--runs N] [--engine replay|eager|both]\n"
                     "       [--threads 1]\n");
        return 2;
    }
    bench::time_engines(
        argc, argv, runs, [&](nn::Engine engine) { return run_once(steps, engine); },
        [&](const auto& median, const char* suffix) {
            std::printf("sine_step%s %.3f us\n", suffix,
                        median.seconds / static_cast<double>(steps) * 1e6);
            std::printf("sine_final_loss%s %.6g loss\n", suffix, median.final_loss);
        });
    return 0;
}
