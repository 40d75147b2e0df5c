// The same figures as bench_matmul for OpenBLAS's cblas_sgemm / cblas_dgemm, named with an
// "_openblas" suffix. Run it as its own process: OpenBLAS's threads keep spinning after each call
// and would slow whatever ran next in the same process (PERFORMANCE.md).
#include <cblas.h>

#include "benchmarks/matmul/bench_common.hpp"

namespace {

CBLAS_TRANSPOSE op(bool trans) { return trans ? CblasTrans : CblasNoTrans; }

void run32(const bench::Shape& s, bench::Operands<float>& o) {
    cblas_sgemm(CblasRowMajor, op(s.trans_a), op(s.trans_b), int(s.M), int(s.N), int(s.K), 1.0f,
                o.a.data(), int(o.lda), o.b.data(), int(o.ldb), 0.0f, o.c.data(), int(o.ldc));
}

void run64(const bench::Shape& s, bench::Operands<double>& o) {
    cblas_dgemm(CblasRowMajor, op(s.trans_a), op(s.trans_b), int(s.M), int(s.N), int(s.K), 1.0,
                o.a.data(), int(o.lda), o.b.data(), int(o.ldb), 0.0, o.c.data(), int(o.ldc));
}

}  // namespace

int main(int argc, char** argv) {
    bench::run_all(bench::parse(argc, argv), "_openblas",
                   [](int threads) { openblas_set_num_threads(threads); }, run32, run64);
}
