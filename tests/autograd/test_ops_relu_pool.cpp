// relu_max_pool2d against the two ops it fuses, max_pool2d(relu(x)): the same bits for values and
// gradients of first and second order on windows of NaN, infinities and zeros of either sign, at
// 1 and 2 threads; other windows are the two ops themselves; errors name relu_max_pool2d.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using V = std::vector<double>;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    V one = a.values(), two = b.values();
    return a.shape() == b.shape() &&
           std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0;
}

// Three rows of 2·windows + 1 columns: the first two rows hold every window of 4 values from the
// alphabet (one per window), the last row and column lie in no window.
Tensor all_windows(Dtype dtype) {
    const V alphabet{std::nan(""), -INFINITY, -1.5, -0.0, 0.0, 0.5, 2, INFINITY};
    const std::int64_t letters = 8, windows = 8 * 8 * 8 * 8, cols = 2 * windows + 1;
    V in(static_cast<std::size_t>(3 * cols), -3.0);
    for (std::int64_t w = 0; w < windows; ++w)
        for (std::int64_t k = 0, code = w; k < 4; ++k, code /= letters)
            in[static_cast<std::size_t>((k / 2) * cols + 2 * w + k % 2)] =
                alphabet[static_cast<std::size_t>(code % letters)];
    return from_vector(in, Shape{1, 3, cols}, dtype);
}

// Gradients for the pooled output, -0, inf and NaN among them.
Tensor some_grads(const Shape& shape, Dtype dtype) {
    const V grads{1.5, -0.0, 0, INFINITY, std::nan(""), -2.25, 3};
    V g(static_cast<std::size_t>(shape.numel()));
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = grads[(i * 5 + i / 3) % 7];
    return from_vector(g, shape, dtype);
}

}  // namespace

TEST_SUITE("relu_max_pool2d") {
    TEST_CASE(
        "relu_max_pool2d is max_pool2d(relu(x)) bitwise: values and gradient, 1 and 2 threads") {
        const int before = num_threads();
        for (int threads : {1, 2})
            for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
                INFO(threads, " threads, ", dtype_name(dtype));
                set_num_threads(threads);
                Tensor x = all_windows(dtype).requires_grad_();
                Tensor fused = relu_max_pool2d(x, 2);
                REQUIRE(fused.grad_fn() != nullptr);
                CHECK(fused.grad_fn()->op == Op::relu_max_pool2d);
                Tensor grad_out = some_grads(fused.shape(), dtype);
                Tensor grad_fused = grad({fused}, {x}, {grad_out})[0];

                Tensor y = x.detach().requires_grad_();
                Tensor unfused = max_pool2d(relu(y), 2);
                Tensor grad_unfused = grad({unfused}, {y}, {grad_out})[0];
                CHECK(same_bits(fused, unfused));
                CHECK(same_bits(grad_fused, grad_unfused));
            }
        set_num_threads(before);
    }

    TEST_CASE("relu_max_pool2d's gradient of gradient is the unfused ops' bitwise") {
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            INFO(dtype_name(dtype));
            Tensor x = all_windows(dtype).requires_grad_();
            Tensor y = x.detach().requires_grad_();
            Tensor grad_out = some_grads(Shape{1, 1, 4096}, dtype).requires_grad_();
            Tensor gx = grad({relu_max_pool2d(x, 2)}, {x}, {grad_out}, {.create_graph = true})[0];
            Tensor gy = grad({max_pool2d(relu(y), 2)}, {y}, {grad_out}, {.create_graph = true})[0];
            CHECK(same_bits(gx, gy));
            Tensor weight = some_grads(x.shape(), dtype) * 0.5;
            Tensor ggx = grad({gx}, {grad_out}, {weight})[0];
            Tensor ggy = grad({gy}, {grad_out}, {weight})[0];
            CHECK(same_bits(ggx, ggy));
        }
    }

    TEST_CASE("relu_max_pool2d over other windows is relu then max_pool2d") {
        Generator gen(5);
        Tensor x = randn({2, 3, 6, 5}, gen, Dtype::float64).requires_grad_();
        Tensor out = relu_max_pool2d(x, 3, 1, 1);
        REQUIRE(out.grad_fn() != nullptr);
        CHECK(out.grad_fn()->op == Op::max_pool2d);
        CHECK(same_bits(out, max_pool2d(relu(x), 3, 1, 1)));
    }

    TEST_CASE("relu_max_pool2d without a tape records nothing and gives the same values") {
        Tensor x = all_windows(Dtype::float32);
        Tensor out = relu_max_pool2d(x, 2);
        CHECK(out.grad_fn() == nullptr);
        CHECK(same_bits(out, max_pool2d(relu(x), 2)));
    }

    TEST_CASE("relu_max_pool2d: bad input throws a typed error naming relu_max_pool2d") {
        auto message = [](auto&& call) {
            try {
                call();
            } catch (const std::exception& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        CHECK_THROWS_AS(relu_max_pool2d(zeros({2, 2, 2}, Dtype::int64), 2), DtypeError);
        CHECK_THROWS_AS(relu_max_pool2d(zeros({4, 4}), 2), ShapeError);
        CHECK_THROWS_AS(relu_max_pool2d(zeros({1, 1, 1, 4}), 2), ShapeError);
        CHECK(message([] {
                  relu_max_pool2d(zeros({4, 4}), 2);
              }).rfind("relu_max_pool2d: ", 0) == 0);
        CHECK(message([] {
                  relu_max_pool2d(zeros({1, 1, 1, 4}), 2);
              }).rfind("relu_max_pool2d: ", 0) == 0);
    }
}
