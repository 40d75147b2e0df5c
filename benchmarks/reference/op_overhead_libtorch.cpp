// LibTorch reference for bench_op_overhead: the fixed cost of one tiny autograd op.
// Times `c = a + b` on 4x3 float32 tensors that require grad, with and without `c.backward(ones)`;
// gradients accumulate into a.grad() / b.grad() (no zeroing). Prints the median ns per iteration.
#include "reference.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {

// Median over `batches` of the mean time per call of step(), in ns.
template <class F>
double median_ns(int batches, int iters, F step) {
    step();  // warm-up: the first call allocates the grads
    std::vector<double> per_iter;
    for (int b = 0; b < batches; ++b) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iters; ++i) step();
        std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
        per_iter.push_back(took.count() / iters);
    }
    std::sort(per_iter.begin(), per_iter.end());
    return per_iter[per_iter.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    const int batches = reference::flag_int(argc, argv, "--batches", 20);
    const int iters = reference::flag_int(argc, argv, "--iters", 10000);

    torch::Tensor a = torch::rand({4, 3}, torch::requires_grad());
    torch::Tensor b = torch::rand({4, 3}, torch::requires_grad());
    torch::Tensor ones = torch::ones({4, 3});

    double fwd = median_ns(batches, iters, [&] { torch::Tensor c = a + b; });
    double fwd_bwd = median_ns(batches, iters, [&] {
        torch::Tensor c = a + b;
        c.backward(ones);
    });
    std::printf("op_add_4x3_fwd %.0f ns\n", fwd);
    std::printf("op_add_4x3_fwd_bwd %.0f ns\n", fwd_bwd);
}
