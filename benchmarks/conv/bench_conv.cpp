// GFLOP/s of conv2d at the Fashion-MNIST CNN's layers (batch 128, 3×3, padding 1: conv1 1→16 on
// 28×28, conv2 16→32 on 14×14), float32, median of repeated runs, per thread count:
//   conv2_forward_t1 95.0 GFLOP/s      (conv2d with bias, no tape)
//   conv2_backward_t1 ...              (input gradient + weight gradient, the two primitives)
//   conv2_input_grad_t1, conv2_weight_grad_t1, and gemm_conv2_forward_t1 ... for gemm on the
//   im2col-shaped products of the same work: [N·OH·OW, C·9]·[C·9, O] (forward),
//   [N·OH·OW, O]·[O, C·9] (input gradient), [O, N·OH·OW]·[N·OH·OW, C·9] (weight gradient).
// Options as bench_matmul: --threads 1,2  --filter conv2.
#include <cstdio>
#include <string>
#include <vector>

#include "autograd/kernels/gemm.hpp"
#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "benchmarks/matmul/bench_common.hpp"

using namespace potatolemon;

namespace {

struct Layer {
    const char* name;
    std::int64_t N, C, H, W, O;  // 3×3 kernel, stride 1, padding 1: the output is H×W
};

const Layer layers[] = {{"conv1", 128, 1, 28, 28, 16}, {"conv2", 128, 16, 14, 14, 32}};

void report(const bench::Options& o, const std::string& name, double flop, double seconds) {
    if (name.find(o.filter) == std::string::npos) return;
    std::printf("%s %.1f GFLOP/s\n", name.c_str(), flop / seconds * 1e-9);
    std::fflush(stdout);
}

// The same products through gemm alone, on operands of the im2col shapes.
void run_gemm(const bench::Options& o, const Layer& l, const std::string& suffix) {
    std::int64_t rows = l.N * l.H * l.W, ckk = l.C * 9;
    double flop = 2.0 * rows * ckk * l.O;
    for (auto [what, s] :
         {std::pair{"forward", bench::Shape{rows, ckk, l.O, false, false, false}},
          std::pair{"input_grad", bench::Shape{rows, l.O, ckk, false, false, false}},
          std::pair{"weight_grad", bench::Shape{l.O, rows, ckk, true, false, false}}}) {
        std::string name = std::string("gemm_") + l.name + "_" + what + suffix;
        if (name.find(o.filter) == std::string::npos) continue;
        bench::Operands<float> ops(s);
        double seconds = bench::median_seconds([&] {
            kernels::gemm<float>(s.trans_a, s.trans_b, s.M, s.N, s.K, ops.a.data(), ops.lda,
                                 ops.b.data(), ops.ldb, ops.c.data(), ops.ldc);
        });
        report(o, name, flop, seconds);
    }
}

void run_layer(const bench::Options& o, const Layer& l, const std::string& suffix) {
    Generator gen(1);
    Tensor x = uniform({l.N, l.C, l.H, l.W}, -1, 1, gen);
    Tensor w = uniform({l.O, l.C, 3, 3}, -1, 1, gen), b = uniform({l.O}, -1, 1, gen);
    Tensor g = uniform({l.N, l.O, l.H, l.W}, -1, 1, gen);
    double flop = 2.0 * l.N * l.H * l.W * l.O * l.C * 9;
    std::string stem = l.name;
    auto input_grad = [&] { return conv2d_input_backward(g, w, x.shape(), 1, 1, 1, 1); };
    auto weight_grad = [&] { return conv2d_weight_backward(x, g, w.shape(), 1, 1, 1, 1); };
    report(o, stem + "_forward" + suffix, flop,
           bench::median_seconds([&] { conv2d(x, w, b, 1, 1); }));
    report(o, stem + "_backward" + suffix, 2 * flop, bench::median_seconds([&] {
               input_grad();
               weight_grad();
           }));
    report(o, stem + "_input_grad" + suffix, flop, bench::median_seconds(input_grad));
    report(o, stem + "_weight_grad" + suffix, flop, bench::median_seconds(weight_grad));
    run_gemm(o, l, suffix);
}

}  // namespace

int main(int argc, char** argv) {
    bench::Options options = bench::parse(argc, argv);
    for (int threads : options.threads) {
        set_num_threads(threads);
        for (const Layer& l : layers) run_layer(options, l, "_t" + std::to_string(threads));
    }
}
