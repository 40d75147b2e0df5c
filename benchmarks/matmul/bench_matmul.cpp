// GFLOP/s of potatolemon's gemm at the MLP's shapes and at squares, median of repeated runs, for
// each thread count; ns/call for the XOR net's tiny products. One line per figure:
//   matmul_f32_128x784x256_nt_t1 101.3 GFLOP/s
// --isa portable|avx2|avx512 picks the micro-kernel (default: the CPU's best). Compare with
// bench_matmul_openblas via compare.sh.
#include <cstdio>
#include <string>

#include "autograd/kernels/gemm.hpp"
#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/kernels/thread_pool.hpp"
#include "benchmarks/matmul/bench_common.hpp"

namespace kernels = potatolemon::kernels;

template <class T>
void run(const bench::Shape& s, bench::Operands<T>& o) {
    kernels::gemm<T>(s.trans_a, s.trans_b, s.M, s.N, s.K, o.a.data(), o.lda, o.b.data(), o.ldb,
                     o.c.data(), o.ldc);
}

int main(int argc, char** argv) {
    bench::Options options = bench::parse(argc, argv);
    std::string suffix;
    if (!options.isa.empty()) {  // figures of a forced kernel are named for it
        for (auto isa : {kernels::GemmIsa::portable, kernels::GemmIsa::avx2,
                         kernels::GemmIsa::avx512})
            if (options.isa == kernels::gemm_isa_name(isa)) kernels::set_gemm_isa(isa);
        if (options.isa != kernels::gemm_isa_name(kernels::gemm_isa())) {
            std::fprintf(stderr, "bench_matmul: no kernel %s here\n", options.isa.c_str());
            return 2;
        }
        suffix = "_" + options.isa;
    }
    std::fprintf(stderr, "kernel: %s\n", kernels::gemm_isa_name(kernels::gemm_isa()));
    bench::run_all(options, suffix.c_str(), potatolemon::set_num_threads, run<float>,
                   run<double>);
}
