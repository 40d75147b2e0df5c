// What bench_matmul and bench_matmul_openblas share: the shapes (the MLP's forward and backward
// products plus squares), figure names, the command line, and median-of-repeats timing.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace bench {

// C[M×N] = op(A)[M×K] · op(B)[K×N]; form names the transposes ("nt" = A · Bᵀ).
struct Shape {
    int64_t M, K, N;
    bool trans_a, trans_b;
    bool f64;
};

// The MLP 784-256-128-10 at batch 128: forward X·W1ᵀ, h·W2ᵀ, h·W3ᵀ (the N = 10 output layer), the
// backward G·W (NN) and Gᵀ·X (TN); then squares, and a couple of float64 figures.
inline std::vector<Shape> shapes() {
    return {{128, 784, 256, false, true, false}, {128, 256, 128, false, true, false},
            {128, 128, 10, false, true, false},  {128, 256, 784, false, false, false},
            {256, 128, 784, true, false, false}, {512, 512, 512, false, false, false},
            {1024, 1024, 1024, false, false, false}, {128, 784, 256, false, true, true},
            {512, 512, 512, false, false, true}};
}

// The XOR net's products: per-call overhead, not FLOPs.
inline std::vector<Shape> tiny_shapes() {
    return {{4, 2, 3, false, true, false}, {4, 3, 3, false, false, false}};
}

inline std::string figure(const Shape& s, int threads) {
    std::string form = std::string(s.trans_a ? "t" : "n") + (s.trans_b ? "t" : "n");
    return std::string("matmul_") + (s.f64 ? "f64_" : "f32_") + std::to_string(s.M) + "x" +
           std::to_string(s.K) + "x" + std::to_string(s.N) + "_" + form + "_t" +
           std::to_string(threads);
}

// Operands of a shape, stored as the transposes say, filled with uniform [-1, 1).
template <class T>
struct Operands {
    std::vector<T> a, b, c;
    int64_t lda, ldb, ldc;
    explicit Operands(const Shape& s)
        : a(size_t(s.M * s.K)), b(size_t(s.K * s.N)), c(size_t(s.M * s.N)),
          lda(s.trans_a ? s.M : s.K), ldb(s.trans_b ? s.K : s.N), ldc(s.N) {
        std::mt19937 rng(1);
        std::uniform_real_distribution<T> uniform(-1, 1);
        for (T& x : a) x = uniform(rng);
        for (T& x : b) x = uniform(rng);
    }
};

struct Options {
    std::vector<int> threads{1, 2};
    std::string filter;  // only figures whose name contains this
    std::string isa;     // bench_matmul only: the micro-kernel to use
};

// --threads 1,2   --filter 128x784   --isa avx2
inline Options parse(int argc, char** argv) {
    Options o;
    if (argc % 2 == 0) {
        std::fprintf(stderr, "%s: every option takes a value\n", argv[0]);
        std::exit(2);
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--threads") == 0) {
            o.threads.clear();
            for (const char* p = argv[i + 1]; *p;) {
                o.threads.push_back(std::atoi(p));
                while (*p && *p != ',') ++p;
                if (*p) ++p;
            }
        } else if (std::strcmp(argv[i], "--filter") == 0) {
            o.filter = argv[i + 1];
        } else if (std::strcmp(argv[i], "--isa") == 0) {
            o.isa = argv[i + 1];
        } else {
            std::fprintf(stderr, "usage: %s [--threads 1,2] [--filter TEXT] [--isa NAME]\n",
                         argv[0]);
            std::exit(2);
        }
    }
    return o;
}

// Median over repeats of seconds per call; each repeat runs enough calls to last ~10 ms.
template <class F>
double median_seconds(F&& call) {
    using clock = std::chrono::steady_clock;
    for (int i = 0; i < 3; ++i) call();
    auto start = clock::now();
    call();
    double one = std::chrono::duration<double>(clock::now() - start).count();
    int64_t calls = std::max<int64_t>(1, int64_t(0.01 / std::max(one, 1e-9)));
    std::vector<double> per_call;
    for (int repeat = 0; repeat < 15; ++repeat) {
        start = clock::now();
        for (int64_t i = 0; i < calls; ++i) call();
        per_call.push_back(std::chrono::duration<double>(clock::now() - start).count() / calls);
    }
    std::nth_element(per_call.begin(), per_call.begin() + 7, per_call.end());
    return per_call[7];
}

// Prints every figure for every thread count; run(shape, operands) multiplies once.
template <class SetThreads, class Run32, class Run64>
void run_all(const Options& o, const char* suffix, SetThreads set_threads, Run32 run32,
             Run64 run64) {
    auto report = [&](const Shape& s, int threads, bool tiny) {
        std::string name = figure(s, threads) + suffix;
        if (name.find(o.filter) == std::string::npos) return;
        double seconds = s.f64 ? median_seconds([&, ops = Operands<double>(s)]() mutable {
            run64(s, ops);
        }) : median_seconds([&, ops = Operands<float>(s)]() mutable { run32(s, ops); });
        if (tiny) {
            std::printf("%s %.1f ns/call\n", name.c_str(), seconds * 1e9);
        } else {
            std::printf("%s %.1f GFLOP/s\n", name.c_str(), 2.0 * s.M * s.N * s.K / seconds * 1e-9);
        }
        std::fflush(stdout);
    };
    for (int threads : o.threads) {
        set_threads(threads);
        for (const Shape& s : tiny_shapes()) report(s, threads, true);
        for (const Shape& s : shapes()) report(s, threads, false);
    }
}

}  // namespace bench
