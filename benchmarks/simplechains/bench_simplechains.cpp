// SimpleChains.jl's published small-network figure, on our side: the gradient of a 24→8→2 network
// (tanh hidden layer, linear output, squared-error loss) over 200 samples of 24 features, float32,
// one thread. SimpleChains reports 5.3 µs with zero allocations for its valgrad!; we time a
// captured forward + backward replayed (autograd/capture.hpp) and the same eagerly. Median of
// --runs runs:
//   simplechains_24_8_2_grad <us> us, and with suffix _eager.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_engines.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
// One gradient: loss = sum((net(x) - y)^2), as SimpleChains' SquaredLoss, then backward into the
// parameters' .grad (dropped first, so each gradient is fresh).
Tensor gradient(nn::Sequential& net, const std::vector<Tensor>& params, const Tensor& x,
                const Tensor& y) {
    for (Tensor p : params) p.zero_grad();
    Tensor diff = net(x) - y;
    Tensor loss = sum(diff * diff);
    loss.backward();
    return loss;
}

double median_us(long calls, long runs, const auto& call) {
    std::vector<double> us;
    for (long r = 0; r < runs; ++r) {
        auto start = std::chrono::steady_clock::now();
        for (long i = 0; i < calls; ++i) call();
        std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        us.push_back(elapsed.count() / static_cast<double>(calls) * 1e6);
    }
    std::sort(us.begin(), us.end());
    return us[us.size() / 2];
}

}  // namespace

// --calls N gradients per run (default 20,000), --runs N (default 5), --threads (accepted for
// compare.sh; one thread).
int main(int argc, char** argv) {
    const long calls = bench::long_flag(argc, argv, "--calls", 20'000);
    const long runs = bench::long_flag(argc, argv, "--runs", 5);
    if (calls <= 0 || runs <= 0) {
        std::fprintf(stderr, "usage: bench_simplechains [--calls N] [--runs N] [--threads 1]\n");
        return 2;
    }
    Generator gen(0);
    nn::Sequential net{std::make_shared<nn::Linear>(24, 8, gen), std::make_shared<nn::Tanh>(),
                       std::make_shared<nn::Linear>(8, 2, gen)};
    const std::vector<Tensor> params = net.parameters();
    const Tensor x = uniform(Shape{200, 24}, 0, 1, gen), y = uniform(Shape{200, 2}, 0, 1, gen);

    Plan plan;
    {
        CaptureSession session(plan);
        gradient(net, params, x, y);
        if (!session.ok()) {
            std::fprintf(stderr, "bench_simplechains: %s\n", session.failure().c_str());
            return 1;
        }
    }
    plan.release_graph();
    const double replay = median_us(calls, runs, [&] { plan.replay(); });
    const double eager = median_us(calls, runs, [&] { gradient(net, params, x, y); });
    std::printf("simplechains_24_8_2_grad %.3f us\n", replay);
    std::printf("simplechains_24_8_2_grad_eager %.3f us\n", eager);
    std::printf("simplechains_plan_records %zu records\n", plan.records());
    std::printf("simplechains_plan_buffers %.1f KiB\n",
                static_cast<double>(plan.buffer_bytes()) / 1024);
    return 0;
}
