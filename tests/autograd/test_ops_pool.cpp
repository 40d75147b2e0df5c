// max_pool2d, avg_pool2d and pad against PyTorch: values, max indices and the gradient of
// sum(out * w) for every case reference/pool_reference.py obtained from torch 1.13
// (reference/pool_reference.inc), float32 and float64, compared exactly. Also: windows wholly in
// the padding, empty batches, results independent of the thread count, and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using V = std::vector<double>;

namespace {
using Ints = std::vector<std::int64_t>;
struct MaxPoolCase {
    std::string name;
    bool float64;
    Ints shape, kernel, stride, padding, dilation;
    V input, weight, out;
    Ints indices;
    V grad;
};
struct AvgPoolCase {
    std::string name;
    bool float64;
    Ints shape, kernel, stride, padding;
    bool count_include_pad;
    V input, weight, out, grad;
};
struct PadCase {
    std::string name;
    bool float64;
    Ints shape, pads;
    double value;
    Ints out_shape;
    V input, weight, out, grad;
};
#include "reference/pool_reference.inc"

// The first position where got and want differ (NaN matching NaN), or -1.
std::int64_t first_difference(const V& got, const V& want) {
    if (got.size() != want.size())
        return static_cast<std::int64_t>(std::min(got.size(), want.size()));
    for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i] != want[i] && !(std::isnan(got[i]) && std::isnan(want[i])))
            return static_cast<std::int64_t>(i);
    return -1;
}

Size2 size2(const Ints& v) {
    return {v[0], v[1]};
}

// op applied to the case's input, then sum(out * w) backpropagated: {out, input gradient}.
template <class Case, class Op>
std::pair<Tensor, Tensor> run_case(const Case& c, Op op) {
    Dtype dtype = c.float64 ? Dtype::float64 : Dtype::float32;
    Tensor x = from_vector(c.input, Shape(c.shape), dtype).requires_grad_();
    Tensor out = op(x);
    sum(out * from_vector(c.weight, out.shape(), dtype)).backward();
    return {out, x.grad()};
}
}  // namespace

TEST_SUITE("ops_pool") {
    TEST_CASE("max_pool2d matches PyTorch: values, indices (first of ties, last NaN), gradients") {
        for (const MaxPoolCase& c : kMaxPoolCases) {
            INFO(c.name, (c.float64 ? " float64" : " float32"));
            Tensor indices;
            auto [out, grad] = run_case(c, [&](const Tensor& x) {
                ValuesIndices r = max_pool2d_with_indices(x, size2(c.kernel), size2(c.stride),
                                                          size2(c.padding), size2(c.dilation));
                indices = r.indices;
                return r.values;
            });
            CHECK(first_difference(out.values(), c.out) == -1);
            // Without a tape max_pool2d skips the indices: the values alone, by other loops.
            Tensor x = from_vector(c.input, Shape(c.shape), out.dtype());
            Tensor alone = max_pool2d(x, size2(c.kernel), size2(c.stride), size2(c.padding),
                                      size2(c.dilation));
            CHECK(first_difference(alone.values(), c.out) == -1);
            CHECK(indices.dtype() == Dtype::int64);
            CHECK(indices.shape() == out.shape());
            CHECK(first_difference(indices.values(), V(c.indices.begin(), c.indices.end())) == -1);
            CHECK(first_difference(grad.values(), c.grad) == -1);
        }
    }

    TEST_CASE("max_pool2d keeps the first of zeros of either sign, as PyTorch does") {
        // Windows of +0 and -0 only, 7 to a row (a vector's worth and a tail). From torch 1.13:
        // s = the signs below; v, i = F.max_pool2d((torch.tensor(s) * 0.0).view(1, 1, 2, 14), 2,
        // return_indices=True); torch.signbit(v) and i, the same in float32 and float64.
        V signs{1,  -1, -1, 1,  1,  1, -1, -1, -1, 1,  1, -1, -1, -1,
                -1, 1,  1,  -1, -1, 1, -1, -1, 1,  -1, 1, -1, -1, -1};
        V zeros_in(signs.size());
        for (std::size_t i = 0; i < signs.size(); ++i) zeros_in[i] = signs[i] * 0.0;
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            Tensor x = from_vector(zeros_in, {1, 1, 2, 14}, dtype).requires_grad_();
            ValuesIndices r = max_pool2d_with_indices(x, 2);
            CHECK(r.indices.values() == V{0, 2, 4, 6, 8, 10, 12});
            Tensor alone = max_pool2d(x.detach(), 2);
            for (const Tensor& values : {r.values, alone}) {
                std::vector<int> negative;
                for (double v : values.values()) negative.push_back(std::signbit(v));
                CHECK(negative == std::vector<int>{0, 1, 0, 1, 1, 0, 1});
            }
        }
    }

    TEST_CASE("max_pool2d without indices equals the indexed path bitwise: values and gradient") {
        // Disjoint 2×2 windows are pooled by a tournament and their backward finds each max
        // again from the input; other geometries fold each window in scan order and scatter by
        // indices. Every window of 4 values from {NaN, -inf, -0, +0, 1}, padded to odd edges,
        // must give the same bits both ways, with gradients of -0, inf and NaN among them.
        V alphabet{std::nan(""), -INFINITY, -0.0, 0.0, 1};
        V grads{1.5, -0.0, 0, INFINITY, std::nan(""), -2.25};
        std::int64_t windows = 625, rows = 3, cols = 2 * windows + 1;
        V in(static_cast<std::size_t>(rows * cols), 7.0);
        for (std::int64_t w = 0; w < windows; ++w)
            for (std::int64_t k = 0, code = w; k < 4; ++k, code /= 5)
                in[static_cast<std::size_t>((k / 2) * cols + 2 * w + k % 2)] = alphabet[code % 5];
        for (Dtype dtype : {Dtype::float32, Dtype::float64})
            for (Ints shape : {Ints{1, rows, cols}, Ints{1, 2, cols - 1}}) {
                INFO(to_string(Shape(shape)), " ", dtype_name(dtype));
                Shape s(shape);
                V data(in.begin(), in.begin() + s.numel());
                if (shape[2] != cols)  // the first two rows without the last column
                    for (std::int64_t r = 0; r < 2; ++r)
                        std::copy_n(in.begin() + r * cols, cols - 1, data.begin() + r * (cols - 1));
                Tensor x = from_vector(data, s, dtype).requires_grad_();
                Tensor values = max_pool2d(x, 2);
                V g(static_cast<std::size_t>(values.numel()));
                for (std::size_t i = 0; i < g.size(); ++i) g[i] = grads[(i * 5 + i / 3) % 6];
                Tensor grad_out = from_vector(g, values.shape(), dtype);
                values.backward(grad_out);
                ValuesIndices r = max_pool2d_with_indices(x.detach(), 2);
                Tensor want_grad = max_pool2d_backward(grad_out, r.indices, s);
                auto same_bits = [](const Tensor& a, const Tensor& b) {
                    V one = a.values(), two = b.values();
                    return one.size() == two.size() &&
                           std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0;
                };
                CHECK(same_bits(values, r.values));
                CHECK(same_bits(x.grad(), want_grad));
            }
    }

    TEST_CASE("avg_pool2d matches PyTorch bitwise, counting padding or not") {
        for (const AvgPoolCase& c : kAvgPoolCases) {
            INFO(c.name, (c.float64 ? " float64" : " float32"));
            auto [out, grad] = run_case(c, [&](const Tensor& x) {
                return avg_pool2d(x, size2(c.kernel), size2(c.stride), size2(c.padding),
                                  c.count_include_pad);
            });
            CHECK(first_difference(out.values(), c.out) == -1);
            CHECK(first_difference(grad.values(), c.grad) == -1);
        }
    }

    TEST_CASE("pad matches PyTorch: positive pads add the value, negative pads crop") {
        for (const PadCase& c : kPadCases) {
            INFO(c.name, (c.float64 ? " float64" : " float32"));
            auto [out, grad] =
                run_case(c, [&](const Tensor& x) { return pad(x, c.pads, c.value); });
            CHECK(out.shape() == Shape(c.out_shape));
            CHECK(first_difference(out.values(), c.out) == -1);
            CHECK(first_difference(grad.values(), c.grad) == -1);
        }
    }

    TEST_CASE("max_pool2d: stride defaults to the kernel size; max_pool2d gives the same values") {
        Tensor x = reshape(arange(32.0), {2, 4, 4});
        CHECK(max_pool2d(x, 2).values() == V{5, 7, 13, 15, 21, 23, 29, 31});
        CHECK(max_pool2d(x, 2).values() == max_pool2d_with_indices(x, 2, Size2{2}).values.values());
        CHECK(max_pool2d_with_indices(x, 2).indices.values() == V{5, 7, 13, 15, 5, 7, 13, 15});
        CHECK(avg_pool2d(x, {1, 4}).values() == V{1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5});
    }

    TEST_CASE("max_pool2d: a window wholly in the padding gives -inf, index -1, no gradient") {
        // Rows -1 and 4 of a 4-row input (padding 1, dilation 5): PyTorch gives -inf as well.
        Tensor x = reshape(arange(16.0, Dtype::float64), {1, 1, 4, 4}).requires_grad_();
        ValuesIndices r = max_pool2d_with_indices(x, 2, 1, 1, {5, 1});
        CHECK(r.values.shape() == Shape{1, 1, 1, 5});
        for (double v : r.values.values()) CHECK(v == -INFINITY);
        CHECK(r.indices.values() == V(5, -1));
        sum(r.values * 0.0).backward();
        CHECK(x.grad().values() == V(16, 0.0));
    }

    TEST_CASE("pooling an empty batch gives an empty batch and an empty gradient") {
        Tensor x = zeros({0, 2, 4, 4}).requires_grad_();
        Tensor max = max_pool2d(x, 2);
        Tensor avg = avg_pool2d(x, 3, 1, 1);
        CHECK(max.shape() == Shape{0, 2, 2, 2});
        CHECK(avg.shape() == Shape{0, 2, 4, 4});
        (sum(max) + sum(avg)).backward();
        CHECK(x.grad().shape() == x.shape());
    }

    TEST_CASE("pooling values and gradients are bitwise identical at 1 and 2 threads") {
        int before = num_threads();
        auto run = [](int threads) {
            set_num_threads(threads);
            Generator gen(5);
            Tensor x = randn({8, 16, 28, 28}, gen).requires_grad_();
            std::vector<Tensor> outs{max_pool2d(x, 2) * 3.0 + avg_pool2d(x, 2),
                                     max_pool2d(x, 3, 2, 1, 2), avg_pool2d(x, 3, 2, 1, false)};
            Tensor loss = scalar_tensor(0);
            for (const Tensor& y : outs) loss = loss + sum(y * randn(y.shape(), gen));
            loss.backward();
            std::vector<V> results{x.grad().values()};
            for (const Tensor& y : outs) results.push_back(y.values());
            return results;
        };
        auto one = run(1), two = run(2);
        set_num_threads(before);
        for (std::size_t i = 0; i < one.size(); ++i) {
            INFO("result ", i);
            REQUIRE(one[i].size() == two[i].size());
            CHECK(std::memcmp(one[i].data(), two[i].data(), one[i].size() * sizeof(double)) == 0);
        }
    }

    TEST_CASE("pooling: bad arguments throw a typed error naming the op and the shapes") {
        Tensor x = ones({1, 2, 4, 4});
        CHECK_THROWS_WITH_AS(max_pool2d(ones({4, 4}), 2),
                             "max_pool2d: expected a [N, C, H, W] or [C, H, W] input, got [4, 4]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(avg_pool2d(ones({1, 0, 4, 4}), 2),
                             doctest::Contains("avg_pool2d: C, H and W must be non-empty"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(max_pool2d(x, {0, 2}),
                             "max_pool2d: kernel_size must be >= 1, got (0, 2)", ShapeError);
        CHECK_THROWS_WITH_AS(avg_pool2d(x, 2, Size2{2, 0}), doctest::Contains("avg_pool2d: stride"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(max_pool2d(x, 2, 1, 0, -1), doctest::Contains("max_pool2d: dilation"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(
            max_pool2d(x, 3, 1, 2),
            "max_pool2d: padding (2, 2) must be between 0 and half the kernel size (3, 3)",
            ShapeError);
        CHECK_THROWS_WITH_AS(avg_pool2d(x, 2, 1, {0, -1}), doctest::Contains("avg_pool2d: padding"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(max_pool2d(x, 5),
                             "max_pool2d: kernel (5, 5) with dilation (1, 1) is larger than the "
                             "input [1, 2, 4, 4] padded by (0, 0)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(max_pool2d(x, 2, 1, 0, 4), doctest::Contains("max_pool2d: kernel"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(avg_pool2d(x.to(Dtype::int64), 2), doctest::Contains("avg_pool2d"),
                             DtypeError);
        // Arguments near the int64 limits are refused, not overflowed.
        constexpr std::int64_t big = std::numeric_limits<std::int64_t>::max();
        CHECK_THROWS_AS(max_pool2d(x, big), ShapeError);
        CHECK_THROWS_AS(max_pool2d(x, 2, 1, 1, big), ShapeError);
        CHECK_THROWS_AS(avg_pool2d(x, {big, 2}, 1, {big / 2 + 1, 0}), ShapeError);
        // Huge but valid: each window covers the input, as in PyTorch.
        CHECK(max_pool2d(x, {big, 1}, 1, {big / 2, 0}).values() == V(32, 1.0));
        CHECK(avg_pool2d(x, {big, 1}, 1, {big / 2, 0}, false).values() == V(32, 1.0));
        CHECK(max_pool2d(x, 1, big, 0, big).shape() == Shape{1, 2, 1, 1});
    }

    TEST_CASE("the backward primitives check their gradient, indices and input shape") {
        Tensor g = ones({1, 1, 2, 2});
        Tensor idx = reshape(tensor({0, 1, 2, 16}), {1, 1, 2, 2}).to(Dtype::int64);
        CHECK_THROWS_WITH_AS(max_pool2d_backward(g, idx, {1, 1, 4, 4}),
                             "max_pool2d_backward: an index lies outside [-1, 16) for the input "
                             "[1, 1, 4, 4]",
                             IndexError);
        CHECK_THROWS_AS(max_pool2d_backward(g, idx.to(Dtype::float32), {1, 1, 4, 4}), DtypeError);
        CHECK_THROWS_WITH_AS(max_pool2d_backward(g, idx, {1, 2, 4, 4}),
                             doctest::Contains("max_pool2d_backward: gradient [1, 1, 2, 2]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(avg_pool2d_backward(g, {1, 1, 4, 4}, 2, 1, 0, true),
                             "avg_pool2d_backward: gradient [1, 1, 2, 2] does not match the "
                             "pooled shape [1, 1, 3, 3] of [1, 1, 4, 4]",
                             ShapeError);
    }

    TEST_CASE("max_pool2d_backward into an empty plane: only index -1, and its own backward") {
        Tensor g = ones({1, 1, 1, 2}, Dtype::float64).requires_grad_();
        Tensor idx = reshape(tensor({-1, -1}), {1, 1, 1, 2}).to(Dtype::int64);
        Tensor grad_x = max_pool2d_backward(g, idx, {1, 1, 0, 3});
        CHECK(grad_x.shape() == Shape{1, 1, 0, 3});
        std::vector<Tensor> grad_g = grad({sum(grad_x)}, {g});
        CHECK(grad_g[0].values() == V{0, 0});
    }

    TEST_CASE("pad: int64 and bool tensors pad with the value converted, as PyTorch") {
        Tensor i = pad(tensor({1, 2}, Dtype::int64), {1, 0}, -3);
        CHECK(i.dtype() == Dtype::int64);
        CHECK(i.values() == std::vector<double>{-3, 1, 2});
        Tensor b = pad(tensor({0, 1}, Dtype::boolean), {0, 2}, 1);
        CHECK(b.dtype() == Dtype::boolean);
        CHECK(b.values() == std::vector<double>{0, 1, 1, 1});
    }

    TEST_CASE("pad: bad pads throw a ShapeError naming pad and the shape") {
        Tensor x = ones({2, 3});
        CHECK_THROWS_WITH_AS(pad(x, {1}), doctest::Contains("pad: 1 pads for [2, 3]"), ShapeError);
        CHECK_THROWS_AS(pad(x, {1, 1, 1, 1, 1, 1}), ShapeError);
        CHECK_THROWS_WITH_AS(pad(x, {-4, 2}), "pad: pads (-4, 2) do not fit dim 1 of [2, 3]",
                             ShapeError);
        CHECK_THROWS_AS(pad(x, {-2, -2}), ShapeError);
        constexpr std::int64_t big = std::numeric_limits<std::int64_t>::max();
        CHECK_THROWS_AS(pad(x, {big, big}), ShapeError);
        CHECK_THROWS_AS(pad(x, {-big - 1, 0}), ShapeError);
        // Any dtype pads, as in PyTorch (values in test_ops_dtypes).
        CHECK(pad(x.to(Dtype::int64), {1, 1}).dtype() == Dtype::int64);
        // PyTorch's rule: with a positive pad, no named dim may come out empty.
        CHECK_THROWS_WITH_AS(pad(zeros({2, 0}), {0, 0, 1, 0}),
                             doctest::Contains("pad: pads (0, 0) leave dim 1 of [2, 0] empty"),
                             ShapeError);
        CHECK(pad(zeros({2, 3}), {0, -3}).shape() == Shape{2, 0});
        CHECK(pad(zeros({0, 2}), {1, 1}).shape() == Shape{0, 4});
    }
}
