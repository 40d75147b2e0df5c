// 2×2, stride 2 max and average pooling of the two activations the Fashion-MNIST CNN pools
// every training step, [128, 16, 28, 28] and [128, 32, 14, 14] float32: the forward alone (no
// tape) and forward plus backward into the input's gradient (dropped before each step, so nothing
// accumulates). Same work as benchmarks/reference/pool_torch.py. One line per figure,
// `<figure> <value> <unit>`, medians of repeated batches.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "benchmarks/bench_timing.hpp"

using namespace potatolemon;
using bench::median_ms;

namespace {
void time_pool(const char* name, Tensor (*pool)(const Tensor&), const Shape& shape) {
    Tensor x = randn(shape).requires_grad_();
    Tensor grad_out = ones(pool(x.detach()).shape());
    double fwd = median_ms(11, 20, [&] {
        NoGradGuard no_grad;
        Tensor y = pool(x);
    });
    double fwd_bwd = median_ms(11, 20, [&] {
        x.zero_grad();
        pool(x).backward(grad_out);
    });
    std::string figure = std::string(name) + "_" + std::to_string(shape[0]) + "x" +
                         std::to_string(shape[1]) + "x" + std::to_string(shape[2]) + "x" +
                         std::to_string(shape[3]);
    std::printf("%s_fwd %.3f ms\n", figure.c_str(), fwd);
    std::printf("%s_fwd_bwd %.3f ms\n", figure.c_str(), fwd_bwd);
}

Tensor max_2x2(const Tensor& x) {
    return max_pool2d(x, 2);
}
Tensor avg_2x2(const Tensor& x) {
    return avg_pool2d(x, 2);
}
}  // namespace

int main(int argc, char** argv) {
    set_num_threads(bench::int_flag(argc, argv, "--threads", 1));
    for (Shape shape : {Shape{128, 16, 28, 28}, Shape{128, 32, 14, 14}}) {
        time_pool("max_pool2d", max_2x2, shape);
        time_pool("avg_pool2d", avg_2x2, shape);
    }
}
