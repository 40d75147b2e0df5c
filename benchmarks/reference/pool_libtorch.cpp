// LibTorch reference for bench_pool: 2x2, stride 2 max and average pooling of [128, 16, 28, 28]
// and [128, 32, 14, 14] float32, forward alone (no grad) and forward plus backward into x.grad()
// (reset before each step). Prints the median ms per call.
#include "reference.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// Median over `batches` of the mean time per call of step(), in ms.
template <class F>
double median_ms(int batches, int iters, F step) {
    step();
    std::vector<double> per_iter;
    for (int b = 0; b < batches; ++b) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iters; ++i) step();
        std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
        per_iter.push_back(took.count() / iters);
    }
    std::sort(per_iter.begin(), per_iter.end());
    return per_iter[per_iter.size() / 2];
}

template <class Pool>
void bench(const char* name, Pool pool, std::vector<int64_t> shape) {
    torch::Tensor x = torch::randn(shape, torch::requires_grad());
    torch::Tensor grad_out = torch::ones_like(pool(x.detach()));
    double fwd = median_ms(11, 20, [&] {
        torch::NoGradGuard no_grad;
        torch::Tensor y = pool(x);
    });
    double fwd_bwd = median_ms(11, 20, [&] {
        x.mutable_grad() = torch::Tensor();
        pool(x).backward(grad_out);
    });
    std::string figure = std::string(name) + "_" + std::to_string(shape[0]) + "x" +
                         std::to_string(shape[1]) + "x" + std::to_string(shape[2]) + "x" +
                         std::to_string(shape[3]);
    std::printf("%s_fwd %.3f ms\n", figure.c_str(), fwd);
    std::printf("%s_fwd_bwd %.3f ms\n", figure.c_str(), fwd_bwd);
}

}  // namespace

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    auto max_2x2 = [](const torch::Tensor& x) { return torch::max_pool2d(x, {2, 2}); };
    auto avg_2x2 = [](const torch::Tensor& x) { return torch::avg_pool2d(x, {2, 2}); };
    for (std::vector<int64_t> shape : {std::vector<int64_t>{128, 16, 28, 28}, {128, 32, 14, 14}}) {
        bench("max_pool2d", max_2x2, shape);
        bench("avg_pool2d", avg_2x2, shape);
    }
}
