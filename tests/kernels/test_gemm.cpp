// gemm against a naive long-double product: all four transpose forms, float and double, shapes
// around the tile and block edges, padded strides, accumulate on and off, every kernel the CPU
// runs, bitwise-identical results for 1, 2 and 3 threads, and the same bits from the paths that
// skip the blocked kernel (one-row and one-column products) as from the kernel.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "autograd/errors.hpp"
#include "autograd/kernels/gemm.hpp"
#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/kernels/thread_pool.hpp"

using potatolemon::kernels::gemm;
using potatolemon::kernels::GemmIsa;

namespace {

// A row-major matrix stored with `pad` extra columns per row, filled with NaN so that any read
// outside the matrix shows up in the product, and any write there shows up as a changed value.
template <class T>
struct Stored {
    int64_t rows, cols, ld;
    std::vector<T> data;
    Stored(int64_t r, int64_t c, int64_t pad, std::mt19937& rng)
        : rows(r), cols(c), ld(c + pad),
          data(static_cast<size_t>(r * (c + pad)), std::numeric_limits<T>::quiet_NaN()) {
        std::uniform_real_distribution<double> uniform(-1.0, 1.0);
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < c; ++j) data[i * ld + j] = T(uniform(rng));
    }
    T at(int64_t i, int64_t j) const { return data[i * ld + j]; }
};

struct Case {
    int64_t M, N, K;
    bool trans_a, trans_b, accumulate;
    int64_t pad;
};

std::string describe(const Case& c) {
    return "M=" + std::to_string(c.M) + " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
           (c.trans_a ? " trans_a" : "") + (c.trans_b ? " trans_b" : "") +
           (c.accumulate ? " accumulate" : "") + " pad=" + std::to_string(c.pad);
}

template <class T>
struct Operands {
    Stored<T> a, b, c;
    Operands(const Case& k, std::mt19937& rng)
        : a(k.trans_a ? k.K : k.M, k.trans_a ? k.M : k.K, k.pad, rng),
          b(k.trans_b ? k.N : k.K, k.trans_b ? k.K : k.N, k.pad, rng), c(k.M, k.N, k.pad, rng) {}
    T op_a(const Case& k, int64_t i, int64_t p) const {
        return k.trans_a ? a.at(p, i) : a.at(i, p);
    }
    T op_b(const Case& k, int64_t p, int64_t j) const {
        return k.trans_b ? b.at(j, p) : b.at(p, j);
    }
};

template <class T>
void run_gemm(const Case& k, Operands<T>& o) {
    gemm<T>(k.trans_a, k.trans_b, k.M, k.N, k.K, o.a.data.data(), o.a.ld, o.b.data.data(),
            o.b.ld, o.c.data.data(), o.c.ld, k.accumulate);
}

// Checks every element against a long-double reference, within the classic dot-product bound
// (K + 2)·eps·Σ|a||b| (plus |C| when accumulating), and that C's padding was not touched.
template <class T>
void check_against_reference(const Case& k, std::mt19937& rng) {
    INFO(describe(k));
    Operands<T> o(k, rng);
    const Stored<T> before = o.c;
    run_gemm(k, o);
    const long double eps = std::numeric_limits<T>::epsilon();
    int64_t bad = 0;
    for (int64_t i = 0; i < k.M; ++i)
        for (int64_t j = 0; j < k.N; ++j) {
            long double exact = k.accumulate ? before.at(i, j) : 0.0L;
            long double bound = k.accumulate ? std::fabs(exact) : 0.0L;
            for (int64_t p = 0; p < k.K; ++p) {
                long double term = (long double)o.op_a(k, i, p) * o.op_b(k, p, j);
                exact += term;
                bound += std::fabs(term);
            }
            if (!(std::fabs(o.c.at(i, j) - exact) <= (k.K + 2) * eps * bound)) ++bad;
            for (int64_t j2 = k.N; j2 < o.c.ld; ++j2)
                if (!std::isnan(o.c.at(i, j2))) ++bad;
        }
    CHECK(bad == 0);
}

std::vector<Case> all_forms(int64_t M, int64_t N, int64_t K) {
    std::vector<Case> cases;
    for (int form = 0; form < 16; ++form)
        cases.push_back({M, N, K, (form & 1) != 0, (form & 2) != 0, (form & 4) != 0,
                         (form & 8) != 0 ? 3 : 0});
    return cases;
}

// Shapes (M, N, K) around the edges: 1×1, tiny (the XOR net's 4×3·3×3), odd sizes off every tile
// multiple, K over one and several KC blocks, a narrow C computed as Cᵀ, a tall C split along M.
const int64_t shapes[][3] = {
    {1, 1, 1},     {1, 7, 5},    {9, 1, 4},      {4, 3, 3},     {3, 3, 4},     {6, 16, 8},
    {8, 32, 17},   {17, 33, 65}, {31, 5, 129},   {13, 29, 511}, {65, 67, 385}, {128, 10, 128},
    {100, 100, 1}, {5, 40, 800}, {200, 48, 37},  {47, 130, 260}, {33, 20, 1500},
};

// Restores the thread count and kernel choice a test changed.
struct Restore {
    int threads = potatolemon::num_threads();
    GemmIsa isa = potatolemon::kernels::gemm_isa();
    ~Restore() {
        potatolemon::set_num_threads(threads);
        potatolemon::kernels::set_gemm_isa(isa);
    }
};

// Runs `small` (a shape gemm computes without the blocked kernel) on the top-left corner of the
// operands of `big` (one it computes blocked, with the same K) and checks that it gives the same
// bits as the blocked product and writes nothing else.
template <class T>
void check_same_bits_as_blocked(const Case& small, const Case& big, std::mt19937& rng) {
    INFO(describe(small), " inside ", describe(big));
    Operands<T> o(big, rng);
    const Stored<T> c0 = o.c;
    run_gemm(big, o);
    Stored<T> c = c0;
    gemm<T>(small.trans_a, small.trans_b, small.M, small.N, small.K, o.a.data.data(), o.a.ld,
            o.b.data.data(), o.b.ld, c.data.data(), c.ld, small.accumulate);
    int64_t differ = 0;
    for (int64_t i = 0; i < c.rows; ++i)
        for (int64_t j = 0; j < c.ld; ++j) {
            const T& want = i < small.M && j < small.N ? o.c.at(i, j) : c0.at(i, j);
            if (std::memcmp(&c.data[i * c.ld + j], &want, sizeof(T)) != 0) ++differ;
        }
    CHECK(differ == 0);
}

std::vector<GemmIsa> supported_isas() {
    std::vector<GemmIsa> isas;
    for (GemmIsa isa : {GemmIsa::portable, GemmIsa::avx2, GemmIsa::avx512})
        if (potatolemon::kernels::gemm_isa_supported(isa)) isas.push_back(isa);
    return isas;
}

}  // namespace

TEST_SUITE("gemm") {

TEST_CASE_TEMPLATE("gemm matches a naive product for all transpose forms, strides and modes", T,
                   float, double) {
    Restore restore;
    std::mt19937 rng(42);
    for (GemmIsa isa : supported_isas()) {
        potatolemon::kernels::set_gemm_isa(isa);
        INFO("kernel ", potatolemon::kernels::gemm_isa_name(isa));
        for (const auto& s : shapes)
            for (const Case& k : all_forms(s[0], s[1], s[2])) check_against_reference<T>(k, rng);
    }
}

// Eager steps and their captured replays, and every small layer, rely on these bits: each element
// of a product below tiny_macs is 0 + a0 b0 + a1 b1 + ... in k order, rounded at each step, then
// added to C when accumulating.
TEST_CASE_TEMPLATE("a tiny product is each element's k-ordered dot product, bit for bit", T, float,
                   double) {
    std::mt19937 rng(7);
    const int64_t tiny_shapes[][3] = {{4, 1, 3}, {4, 2, 2}, {4, 3, 3}, {3, 4, 4},
                                      {2, 5, 6}, {1, 3, 4}, {5, 6, 9}};
    for (const auto& s : tiny_shapes)
        for (const Case& k : all_forms(s[0], s[1], s[2])) {
            INFO(describe(k));
            Operands<T> o(k, rng);
            const Stored<T> before = o.c;
            run_gemm(k, o);
            int64_t differ = 0;
            for (int64_t i = 0; i < k.M; ++i)
                for (int64_t j = 0; j < k.N; ++j) {
                    T sum = 0;
                    for (int64_t p = 0; p < k.K; ++p) sum += o.op_a(k, i, p) * o.op_b(k, p, j);
                    const T want = k.accumulate ? before.at(i, j) + sum : sum;
                    const T got = o.c.at(i, j);
                    if (std::memcmp(&want, &got, sizeof(T)) != 0) ++differ;
                }
            CHECK(differ == 0);
        }
}

TEST_CASE_TEMPLATE("gemm with K = 0 zeroes C, or leaves it when accumulating", T, float, double) {
    std::mt19937 rng(1);
    for (bool accumulate : {false, true}) {
        Case k{3, 4, 0, false, false, accumulate, 2};
        Operands<T> o(k, rng);
        const Stored<T> before = o.c;
        run_gemm(k, o);
        for (int64_t i = 0; i < 3; ++i)
            for (int64_t j = 0; j < 4; ++j)
                CHECK(o.c.at(i, j) == (accumulate ? before.at(i, j) : T(0)));
        CHECK(std::isnan(o.c.at(0, 4)));  // padding untouched
    }
}

TEST_CASE("gemm with M = 0 or N = 0 touches nothing") {
    float c = 5.0f, a = 1.0f, b = 1.0f;
    gemm<float>(false, false, 0, 1, 1, &a, 1, &b, 1, &c, 1);
    gemm<float>(false, false, 1, 0, 1, &a, 1, &b, 1, &c, 1);
    CHECK(c == 5.0f);
}

TEST_CASE("gemm rejects negative sizes and short row strides") {
    std::vector<float> m(64, 0.0f);
    auto call = [&](int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                    bool trans_a = false) {
        gemm<float>(trans_a, false, M, N, K, m.data(), lda, m.data(), ldb, m.data(), ldc);
    };
    CHECK_THROWS_AS(call(-1, 2, 2, 2, 2, 2), potatolemon::ShapeError);
    CHECK_THROWS_AS(call(2, 2, 3, 2, 2, 2), potatolemon::ShapeError);     // lda 2 < K 3
    CHECK_THROWS_AS(call(2, 3, 2, 2, 2, 3), potatolemon::ShapeError);     // ldb 2 < N 3
    CHECK_THROWS_AS(call(2, 3, 2, 2, 3, 2), potatolemon::ShapeError);     // ldc 2 < N 3
    CHECK_THROWS_AS(call(4, 2, 2, 2, 2, 2, true), potatolemon::ShapeError);  // Aᵀ stored 2×4
    CHECK_NOTHROW(call(4, 2, 2, 4, 2, 2, true));
    try {
        call(2, 2, 3, 2, 2, 2);
    } catch (const potatolemon::ShapeError& e) {
        CHECK(std::string(e.what()).rfind("gemm: lda", 0) == 0);
    }
}

TEST_CASE_TEMPLATE("every kernel the CPU runs agrees with the portable one within rounding", T,
                   float, double) {
    Restore restore;
    std::mt19937 rng(7);
    for (const Case& k : all_forms(77, 91, 300)) {
        INFO(describe(k));
        Operands<T> portable(k, rng);
        potatolemon::kernels::set_gemm_isa(GemmIsa::portable);
        const Stored<T> c0 = portable.c;
        run_gemm(k, portable);
        for (GemmIsa isa : supported_isas()) {
            INFO("kernel ", potatolemon::kernels::gemm_isa_name(isa));
            potatolemon::kernels::set_gemm_isa(isa);
            Operands<T> other = portable;
            other.c = c0;
            run_gemm(k, other);
            double worst = 0;
            for (int64_t i = 0; i < k.M; ++i)
                for (int64_t j = 0; j < k.N; ++j)
                    worst = std::max(worst, double(std::fabs(other.c.at(i, j) -
                                                             portable.c.at(i, j))));
            // Entries are sums of 300 products of numbers in [-1, 1]: |C| <= 301.
            CHECK(worst <= 301 * 302 * double(std::numeric_limits<T>::epsilon()));
        }
    }
}

TEST_CASE_TEMPLATE("one-row and one-column products give the blocked kernel's bits", T, float,
                   double) {
    Restore restore;
    std::mt19937 rng(11);
    // One row or column of C: one or two K blocks, N off and on the vector width. The transpose
    // forms that read B (A) in place take the row path, the others the blocked kernel. Each is
    // the corner of a larger product that the blocked kernel computes: more rows or columns, the
    // same K.
    const int64_t rerouted[][3] = {{1, 32, 64},  {1, 37, 385}, {1, 200, 100}, {1, 1, 800},
                                   {1, 5, 1000}, {64, 1, 32},  {33, 1, 800},  {9, 1, 100}};
    for (GemmIsa isa : supported_isas()) {
        potatolemon::kernels::set_gemm_isa(isa);
        INFO("kernel ", potatolemon::kernels::gemm_isa_name(isa));
        for (const auto& s : rerouted)
            for (const Case& k : all_forms(s[0], s[1], s[2])) {
                Case big = k;
                big.M = k.M == 1 ? 7 : k.M;
                big.N = k.N == 1 ? 7 : k.N;
                check_same_bits_as_blocked<T>(k, big, rng);
            }
    }
}

TEST_CASE_TEMPLATE("gemm gives bitwise-identical results on 1, 2 and 3 threads", T, float,
                   double) {
    Restore restore;
    std::mt19937 rng(3);
    // Large enough to run in parallel: split along N, along M, and a narrow C run as Cᵀ.
    const int64_t split_shapes[][3] = {{96, 300, 200}, {300, 40, 100}, {400, 10, 300},
                                       {128, 256, 784}};
    for (GemmIsa isa : supported_isas()) {
        potatolemon::kernels::set_gemm_isa(isa);
        for (const auto& s : split_shapes)
            for (const Case& k : all_forms(s[0], s[1], s[2])) {
                INFO(describe(k), " kernel ", potatolemon::kernels::gemm_isa_name(isa));
                Operands<T> one(k, rng);
                Operands<T> two = one, three = one;
                potatolemon::set_num_threads(1);
                run_gemm(k, one);
                potatolemon::set_num_threads(2);
                run_gemm(k, two);
                potatolemon::set_num_threads(3);
                run_gemm(k, three);
                size_t bytes = one.c.data.size() * sizeof(T);
                CHECK(std::memcmp(one.c.data.data(), two.c.data.data(), bytes) == 0);
                CHECK(std::memcmp(one.c.data.data(), three.c.data.data(), bytes) == 0);
            }
    }
}

}  // TEST_SUITE
