// Forward plus backward of batch_norm (training, [64, 32, 28, 28]), layer_norm ([4096, 256] over
// [256]) with weight and bias needing gradients, and logsumexp over dim 1 of [4096, 256], float32
// (gradients dropped before each step). Same work as benchmarks/reference/norm_torch.py. Times
// are the calling thread's CPU time (the machine is shared; wall time would count the waits), so
// compare at --threads 1. One line per figure, `<figure> <value> <unit>`, medians of batches.
// On the shared 2-core machine, batch_norm / layer_norm / logsumexp took 18.0 / 8.8 / 10.4 ms
// with backward in Tensor ops, 5.3 / 3.5 / 5.5 ms with the first-order backward kernels and
// vectorised exp; PyTorch 1.13 5.7 / 1.4 / 2.7 ms.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_timing.hpp"

using namespace potatolemon;

namespace {
// Median over `batches` of the mean thread CPU time per call of step(), in ms.
template <class F>
double median_ms(int batches, int iters, F step) {
    return bench::median_ms(batches, iters, step, bench::thread_cpu_ms);
}

// The median thread CPU time of f(x, w, b).backward(ones), gradients dropped before each step.
template <class F>
double fwd_bwd_ms(const Shape& shape, const Shape& param_shape, F f) {
    Tensor x = randn(shape).requires_grad_();
    Tensor w = randn(param_shape).requires_grad_(), b = randn(param_shape).requires_grad_();
    Tensor grad_out = ones(f(x.detach(), w.detach(), b.detach()).shape());
    return median_ms(11, 10, [&] {
        for (Tensor* t : {&x, &w, &b}) t->zero_grad();
        f(x, w, b).backward(grad_out);
    });
}
}  // namespace

int main(int argc, char** argv) {
    set_num_threads(bench::int_flag(argc, argv, "--threads", 1));
    std::printf(
        "batch_norm_64x32x28x28_fwd_bwd %.3f ms\n",
        fwd_bwd_ms({64, 32, 28, 28}, {32}, [](const Tensor& x, const Tensor& w, const Tensor& b) {
            return batch_norm(x, {}, {}, w, b, true);
        }));
    std::printf(
        "layer_norm_4096x256_fwd_bwd %.3f ms\n",
        fwd_bwd_ms({4096, 256}, {256}, [](const Tensor& x, const Tensor& w, const Tensor& b) {
            return layer_norm(x, {256}, w, b);
        }));
    std::printf("logsumexp_4096x256_fwd_bwd %.3f ms\n",
                fwd_bwd_ms({4096, 256}, {1}, [](const Tensor& x, const Tensor&, const Tensor&) {
                    return logsumexp(x, {1});
                }));
}
