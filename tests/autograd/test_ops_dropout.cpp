// dropout: the documented sampling rule (element i kept when the i-th gen.uniform_float() >= p),
// the fraction kept on a large tensor, exact 1 / (1 - p) scaling, determinism per seed and thread
// count, train/eval, p = 0 and p = 1, the backward's saved mask, and the errors. PyTorch's random
// stream cannot be matched, so these are the claims torch.nn.functional.dropout also makes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
template <class T>
constexpr Dtype dtype_for() {
    return std::is_same_v<T, float> ? Dtype::float32 : Dtype::float64;
}

// Values in [1, 2): never 0, so a 0 in the output marks a dropped element.
Tensor nonzero_input(const Shape& shape, Dtype dtype, std::uint64_t seed = 5) {
    Generator gen(seed);
    return uniform(shape, 1, 2, gen, dtype);
}

std::int64_t count_kept(const Tensor& y) {
    std::int64_t kept = 0;
    for (double v : y.values()) kept += v != 0;
    return kept;
}
}  // namespace

TEST_SUITE("ops_dropout") {
    TEST_CASE_TEMPLATE("element i is kept when the i-th gen.uniform_float() >= p", T, float,
                       double) {
        Tensor x = nonzero_input({7, 9}, dtype_for<T>());
        Generator gen(42), replay(42);
        Tensor y = dropout(x, 0.3, true, gen);
        std::vector<double> xs = x.values(), ys = y.values();
        const T scale = static_cast<T>(1 / (1 - 0.3));
        for (std::size_t i = 0; i < xs.size(); ++i) {
            bool keep = replay.uniform_float() >= 0.3;
            INFO("element ", i);
            CHECK(ys[i] == (keep ? double(static_cast<T>(xs[i]) * scale) : 0.0));
        }
        CHECK(gen.next_u64() == replay.next_u64());  // one draw per element, no more
    }

    TEST_CASE("the fraction kept is 1 - p within 5 sigma on 2^20 elements") {
        const std::int64_t n = 1 << 20;
        Tensor x = ones({n});
        Generator gen(3);
        for (double p : {0.1, 0.25, 0.5, 0.9}) {
            double kept = double(count_kept(dropout(x, p, true, gen)));
            double sigma = std::sqrt(n * p * (1 - p));
            INFO("p = ", p, " kept ", kept, " of ", n);
            CHECK(std::abs(kept - n * (1 - p)) <= 5 * sigma);
        }
    }

    TEST_CASE_TEMPLATE("kept values are scaled by exactly 1 / (1 - p), the rest are 0", T, float,
                       double) {
        Tensor x = nonzero_input({64, 64}, dtype_for<T>());
        Generator gen(9);
        for (double p : {0.25, 0.5, 0.8}) {
            Tensor y = dropout(x, p, true, gen);
            CHECK(y.dtype() == x.dtype());
            CHECK(y.shape() == x.shape());
            const T* px = x.data<T>();
            const T* py = y.data<T>();
            const T scale = static_cast<T>(1 / (1 - p));
            std::int64_t bad = 0;
            for (std::int64_t i = 0; i < x.numel(); ++i)
                bad += !(py[i] == 0 || py[i] == px[i] * scale);
            CHECK(bad == 0);
            CHECK(count_kept(y) > 0);
            CHECK(count_kept(y) < x.numel());
        }
    }

    TEST_CASE("a seed fixes the mask; the generator moves on between calls") {
        Tensor x = nonzero_input({32, 32}, Dtype::float32);
        Generator a(7), b(7), c(8);
        Tensor first = dropout(x, 0.5, true, a);
        CHECK(first.values() == dropout(x, 0.5, true, b).values());
        CHECK(first.values() != dropout(x, 0.5, true, c).values());
        CHECK(first.values() != dropout(x, 0.5, true, a).values());
        manual_seed(11);
        Tensor from_default = dropout(x, 0.5, true);
        manual_seed(11);
        CHECK(from_default.values() == dropout(x, 0.5, true).values());
    }

    TEST_CASE("the mask is the same at 1 and 2 threads, recording or not") {
        int before = num_threads();
        Tensor x = nonzero_input({512, 256}, Dtype::float32);  // above the parallel grain
        set_num_threads(1);
        Generator one(21);
        std::vector<double> at_one = dropout(x, 0.25, true, one).values();
        set_num_threads(2);
        Generator two(21);
        CHECK(dropout(x, 0.25, true, two).values() == at_one);
        Generator recorded(21);
        Tensor leaf = x.detach().requires_grad_();
        CHECK(dropout(leaf, 0.25, true, recorded).values() == at_one);
        set_num_threads(before);
    }

    TEST_CASE("eval mode and p = 0 return x itself, record nothing and draw nothing") {
        Tensor x = nonzero_input({3, 4}, Dtype::float64).requires_grad_();
        Generator gen(1), untouched(1);
        for (Tensor y :
             {dropout(x, 0.5, false, gen), dropout(x, 0, true, gen), dropout(x, 1, false, gen)}) {
            CHECK(y.impl() == x.impl());
            CHECK(y.grad_fn() == nullptr);
        }
        CHECK(gen.next_u64() == untouched.next_u64());
    }

    TEST_CASE_TEMPLATE("p = 1 gives zeros and a zero gradient, drawing nothing", T, float, double) {
        Tensor x = nonzero_input({5, 3}, dtype_for<T>()).requires_grad_();
        Generator gen(1), untouched(1);
        Tensor y = dropout(x, 1, true, gen);
        CHECK(y.values() == std::vector<double>(15, 0.0));
        sum(y * 3.0).backward();
        CHECK(x.grad().values() == std::vector<double>(15, 0.0));
        CHECK(gen.next_u64() == untouched.next_u64());
    }

    TEST_CASE("the backward multiplies by the saved mask; its own gradient is that mask") {
        Tensor x = nonzero_input({6, 5}, Dtype::float64).requires_grad_();
        Generator gen(13), replay(13);
        Tensor y = dropout(x, 0.4, true, gen);
        Tensor g = uniform({6, 5}, -1, 1, gen, Dtype::float64).requires_grad_();
        Tensor dx = grad({y}, {x}, {g}, {.create_graph = true})[0];
        std::vector<double> mask;  // by the sampling rule
        for (std::int64_t i = 0; i < x.numel(); ++i)
            mask.push_back(replay.uniform_float() >= 0.4 ? 1 / (1 - 0.4) : 0);
        std::vector<double> gs = g.values(), dxs = dx.values();
        for (std::size_t i = 0; i < mask.size(); ++i) CHECK(dxs[i] == gs[i] * mask[i]);
        CHECK(grad({sum(dx)}, {g})[0].values() == mask);
    }

    TEST_CASE("rank 0 and zero-size inputs") {
        Generator gen(2);
        CHECK(dropout(scalar_tensor(3), 0.5, true, gen).shape() == Shape{});
        Tensor empty_input = zeros({0, 4}).requires_grad_();
        Tensor y = dropout(empty_input, 0.5, true, gen);
        CHECK(y.shape() == Shape{0, 4});
        sum(y).backward();
        CHECK(empty_input.grad().shape() == Shape{0, 4});
    }

    TEST_CASE("p outside [0, 1] or NaN, and int64 input, throw errors that name dropout") {
        Tensor x = ones({2, 2});
        for (double p : {-0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
            INFO("p = ", p);
            CHECK_THROWS_WITH_AS(dropout(x, p, true),
                                 doctest::Contains("dropout: probability must be in [0, 1]"),
                                 ShapeError);
            CHECK_THROWS_AS(dropout(x, p, false), ShapeError);  // checked in eval mode too
        }
        CHECK_THROWS_WITH_AS(dropout(x.to(Dtype::int64), 0.5, true), doctest::Contains("dropout:"),
                             DtypeError);
    }
}
