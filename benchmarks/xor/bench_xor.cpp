// The original XOR experiment timed end to end, as reference/xor_torch.py and xor_libtorch.cpp
// do: 2-3-3-1 (Tanh, Tanh, Sigmoid), binary cross-entropy, SGD lr 0.01, 25,000 full-batch
// epochs, float32, seed 0, one thread, in both engines: a captured step replayed (the default,
// nn/capture.hpp) and eager. Prints the median of --runs runs (default 5):
//   xor_25000_epochs <s> s, xor_epoch <us> us, xor_final_loss <loss in the last epoch> loss
// and the same figures with the suffix _eager.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_engines.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
bench::StepsTiming run_once(long epochs, nn::Engine engine) {
    Generator gen(0);
    nn::Sequential model{std::make_shared<nn::Linear>(2, 3, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(3, 3, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(3, 1, gen), std::make_shared<nn::Sigmoid>()};
    const Tensor x = tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    const Tensor y = from_vector(std::vector<double>{0, 1, 1, 0}, Shape{4, 1});
    nn::SGD optimizer(model.parameters(), {.lr = 0.01});
    nn::CapturedStep step(
        optimizer,
        [&](std::span<const Tensor> in) { return nn::binary_cross_entropy(model(in[0]), y); },
        engine);
    const std::array<Tensor, 1> batch{x};
    return bench::time_steps(step, batch, epochs);
}

}  // namespace

// --epochs N, --runs N, --engine replay|eager|both, --threads N (accepted for compare.sh; XOR
// runs on one thread).
int main(int argc, char** argv) {
    const long epochs = bench::long_flag(argc, argv, "--epochs", 25'000);
    const long runs = bench::long_flag(argc, argv, "--runs", 5);
    if (epochs <= 0 || runs <= 0) {
        std::fprintf(stderr,
                     "usage: bench_xor [--epochs N] [--runs N] [--engine replay|eager|both]\n"
                     "       [--threads 1]\n");
        return 2;
    }
    bench::time_engines(
        argc, argv, runs, [&](nn::Engine engine) { return run_once(epochs, engine); },
        [&](const auto& median, const char* suffix) {
            std::printf("xor_%ld_epochs%s %.4f s\n", epochs, suffix, median.seconds);
            std::printf("xor_epoch%s %.3f us\n", suffix,
                        median.seconds / static_cast<double>(epochs) * 1e6);
            std::printf("xor_final_loss%s %.6f loss\n", suffix, median.final_loss);
        });
    return 0;
}
