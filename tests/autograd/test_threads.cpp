// Results do not depend on the thread count: large elementwise ops, reductions, softmax and matmul
// give bitwise-identical values and gradients with 1, 2 and 3 threads (issue 4).
#include <doctest/doctest.h>

#include <cstring>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
// A forward and backward touching every parallel kernel, on tensors above the parallel grain.
std::vector<std::vector<double>> run_with_threads(int threads) {
    set_num_threads(threads);
    Generator gen(11);
    Tensor x = randn({300, 257}, gen).requires_grad_();
    Tensor w = randn({257, 130}, gen).requires_grad_();
    Tensor b = randn({130}, gen).requires_grad_();
    Tensor h = tanh(matmul(x, w) + b) * 0.5 + relu(matmul(x, w));
    Tensor loss = sum(log_softmax(h, 1)) + sum(max(h, 0).values) + mean(sigmoid(x) * x);
    loss.backward();
    return {loss.values(),     x.grad().values(),      w.grad().values(),
            b.grad().values(), softmax(h, 0).values(), sum(h, {0}).values()};
}
}  // namespace

TEST_SUITE("threads") {
    TEST_CASE("values and gradients are bitwise identical for 1, 2 and 3 threads") {
        int before = num_threads();
        auto one = run_with_threads(1);
        for (int threads : {2, 3}) {
            auto many = run_with_threads(threads);
            REQUIRE(many.size() == one.size());
            for (std::size_t i = 0; i < one.size(); ++i) {
                INFO("threads ", threads, ", result ", i);
                REQUIRE(many[i].size() == one[i].size());
                CHECK(std::memcmp(many[i].data(), one[i].data(), one[i].size() * sizeof(double)) ==
                      0);
            }
        }
        set_num_threads(before);
    }

    TEST_CASE("the thread count is validated") {
        CHECK_THROWS_AS(set_num_threads(0), std::invalid_argument);
    }
}
