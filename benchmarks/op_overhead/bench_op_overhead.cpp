// The fixed cost of one tiny autograd op: `c = a + b` on 4×3 float32 tensors that require grad,
// recorded only, and recorded then backward with gradients accumulating into a and b (the same
// work as benchmarks/reference/op_overhead_libtorch.cpp). Also the throughput of elementwise
// kernels on 1M floats. One line per figure: `<figure> <value> <unit>`, medians of repeated
// batches.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_timing.hpp"

using namespace potatolemon;

namespace {
// Median over `batches` of the mean time per call of step(), in ns.
template <class F>
double median_ns(int batches, int iters, F step) {
    return bench::median_ms(batches, iters, step) * 1e6;
}
}  // namespace

int main(int argc, char** argv) {
    set_num_threads(bench::int_flag(argc, argv, "--threads", 1));
    Tensor a = rand({4, 3}).requires_grad_();
    Tensor b = rand({4, 3}).requires_grad_();
    Tensor grad_out = ones({4, 3});
    double fwd = median_ns(20, 100000, [&] { Tensor c = a + b; });
    double fwd_bwd = median_ns(20, 100000, [&] {
        Tensor c = a + b;
        c.backward(grad_out);
    });
    std::printf("op_add_4x3_fwd %.0f ns\n", fwd);
    std::printf("op_add_4x3_fwd_bwd %.0f ns\n", fwd_bwd);

    // Bytes moved per elementwise op on 1M floats: two reads and one write for add, one read and
    // one write for exp and tanh.
    constexpr std::int64_t n = 1 << 20;
    Tensor x = rand({n}), y = rand({n});
    NoGradGuard no_grad;
    double add_ns = median_ns(11, 20, [&] { Tensor z = x + y; });
    double exp_ns = median_ns(11, 20, [&] { Tensor z = exp(x); });
    double tanh_ns = median_ns(11, 20, [&] { Tensor z = tanh(x); });
    // The yardstick: std::memcpy of the same 4 MB (one read and one write per element).
    std::vector<float> from(n, 1.0f), to(n);
    double copy_ns = median_ns(11, 20, [&] { std::memcpy(to.data(), from.data(), 4 * n); });
    std::printf("memcpy_1M %.1f GB/s\n", 2.0 * 4 * n / copy_ns);
    std::printf("elementwise_add_1M %.1f GB/s\n", 3.0 * 4 * n / add_ns);
    std::printf("elementwise_exp_1M %.1f GB/s\n", 2.0 * 4 * n / exp_ns);
    std::printf("elementwise_tanh_1M %.1f GB/s\n", 2.0 * 4 * n / tanh_ns);
}
