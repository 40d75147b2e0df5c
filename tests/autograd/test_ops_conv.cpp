// conv2d and conv1d against PyTorch: forward values and the gradients of sum(out · grad_out) for
// input, weight and bias over stride, padding, dilation, groups, 1×1 and non-square kernels, in
// float64 and float32 (figures from reference/conv_reference.py, torch 1.13). Also: results and
// gradients bitwise identical at 1 and 2 threads at the CNN's layer shapes, an empty batch, and the
// argument errors. Gradient formulas are gradchecked to second order by the op table.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
struct ConvReference {
    std::string name;
    std::vector<std::int64_t> input_shape, weight_shape;
    std::vector<std::int64_t> stride, padding, dilation;  // (h, w); conv1d: h = 1, 0, 1
    std::int64_t groups;
    bool bias;
    std::vector<double> x, w, b, grad_out, out, grad_x, grad_w, grad_b;
};
#include "reference/conv_reference.inc"

Shape shape_of(const std::vector<std::int64_t>& dims) {
    return Shape(std::span<const std::int64_t>(dims));
}

// |a - b| <= tolerance · (1 + |b|) element by element.
void check_close(const std::vector<double>& ours, const std::vector<double>& theirs,
                 double tolerance, const char* what) {
    INFO(what);
    REQUIRE(ours.size() == theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        INFO("element ", i, ": ", ours[i], " vs ", theirs[i]);
        CHECK(std::abs(ours[i] - theirs[i]) <= tolerance * (1 + std::abs(theirs[i])));
    }
}

void check_reference(const ConvReference& r, Dtype dtype, double tolerance) {
    INFO(r.name, " in ", dtype_name(dtype));
    Tensor x = from_vector(r.x, shape_of(r.input_shape), dtype).requires_grad_();
    Tensor w = from_vector(r.w, shape_of(r.weight_shape), dtype).requires_grad_();
    Tensor b;
    if (r.bias) b = from_vector(r.b, {r.weight_shape[0]}, dtype).requires_grad_();
    Tensor out = r.input_shape.size() == 3
                     ? conv1d(x, w, b, r.stride[1], r.padding[1], r.dilation[1], r.groups)
                     : conv2d(x, w, b, {r.stride[0], r.stride[1]}, {r.padding[0], r.padding[1]},
                              {r.dilation[0], r.dilation[1]}, r.groups);
    check_close(out.values(), r.out, tolerance, "out");
    sum(out * from_vector(r.grad_out, out.shape(), dtype)).backward();
    check_close(x.grad().values(), r.grad_x, tolerance, "grad x");
    check_close(w.grad().values(), r.grad_w, tolerance, "grad w");
    if (r.bias) check_close(b.grad().values(), r.grad_b, tolerance, "grad b");
}

// Runs fn with each micro-kernel this CPU supports (the direct convolution's follow gemm's).
template <class F>
void for_each_isa(F fn) {
    kernels::GemmIsa before = kernels::gemm_isa();
    for (auto isa :
         {kernels::GemmIsa::portable, kernels::GemmIsa::avx2, kernels::GemmIsa::avx512}) {
        if (!kernels::gemm_isa_supported(isa)) continue;
        INFO("kernel ", kernels::gemm_isa_name(isa));
        kernels::set_gemm_isa(isa);
        fn();
    }
    kernels::set_gemm_isa(before);
}

// The CNN's two conv layers (batch 37: not a multiple of the weight gradient's chunks), forward
// and backward, at `threads` threads: every result's bytes.
std::vector<std::vector<float>> cnn_layers(int threads) {
    set_num_threads(threads);
    Generator gen(5);
    Tensor x = randn({37, 1, 28, 28}, gen);
    Tensor w1 = randn({16, 1, 3, 3}, gen).requires_grad_(), b1 = randn({16}, gen).requires_grad_();
    Tensor h = conv2d(x, w1, b1, 1, 1);
    Tensor h2 = randn({37, 16, 14, 14}, gen).requires_grad_();
    Tensor w2 = randn({32, 16, 3, 3}, gen).requires_grad_(), b2 = randn({32}, gen).requires_grad_();
    Tensor y = conv2d(h2, w2, b2, 1, 1);
    (sum(h * randn(h.shape(), gen)) + sum(y * randn(y.shape(), gen))).backward();
    std::vector<std::vector<float>> out;
    for (const Tensor& t : {h, y, w1.grad(), b1.grad(), h2.grad(), w2.grad(), b2.grad()})
        out.emplace_back(t.data<float>(), t.data<float>() + t.numel());
    return out;
}
}  // namespace

TEST_SUITE("ops_conv") {
    TEST_CASE("conv2d and conv1d values and gradients match PyTorch in float64, every kernel") {
        for_each_isa([] {
            for (const ConvReference& r : kReferenceF64) check_reference(r, Dtype::float64, 1e-12);
        });
    }

    TEST_CASE("conv2d and conv1d values and gradients match PyTorch in float32, every kernel") {
        for_each_isa([] {
            for (const ConvReference& r : kReferenceF32) check_reference(r, Dtype::float32, 2e-6);
        });
    }

    TEST_CASE("conv2d at the CNN's shapes: values and gradients bitwise equal at 1 and 2 threads") {
        int before = num_threads();
        auto one = cnn_layers(1), two = cnn_layers(2);
        set_num_threads(before);
        REQUIRE(one.size() == two.size());
        for (std::size_t i = 0; i < one.size(); ++i) {
            INFO("result ", i);
            REQUIRE(one[i].size() == two[i].size());
            CHECK(std::memcmp(one[i].data(), two[i].data(), one[i].size() * sizeof(float)) == 0);
        }
    }

    TEST_CASE("conv2d of an empty batch is empty and its weight gradient is zero") {
        Tensor x = zeros({0, 3, 5, 5}).requires_grad_();
        Tensor w = ones({4, 3, 3, 3}).requires_grad_();
        Tensor b = ones({4}).requires_grad_();
        Tensor out = conv2d(x, w, b, 1, 1);
        CHECK(out.shape() == Shape{0, 4, 5, 5});
        sum(out).backward();
        CHECK(x.grad().shape() == Shape{0, 3, 5, 5});
        CHECK(w.grad().values() == std::vector<double>(4 * 3 * 3 * 3, 0.0));
        CHECK(b.grad().values() == std::vector<double>(4, 0.0));
    }

    TEST_CASE("conv2d: a padded 2×2 input takes a 3×3 kernel, giving a 2×2 window sum") {
        // Hand-computed: with padding 1 each output sums the 2×2 input (all of it falls in every
        // window), so every output is 1 + 2 + 3 + 4 = 10 for an all-ones kernel.
        Tensor x = reshape(tensor({1, 2, 3, 4}), {1, 1, 2, 2});
        CHECK(conv2d(x, ones({1, 1, 3, 3}), {}, 1, 1).values() ==
              std::vector<double>{10, 10, 10, 10});
    }

    TEST_CASE("conv2d errors name the op and the shapes") {
        Tensor x = ones({2, 3, 5, 5}), w = ones({4, 3, 3, 3});
        CHECK_THROWS_WITH_AS(conv2d(x, ones({4, 4, 3, 3})),
                             "conv2d: input has 3 channels, weight expects 4 (groups 1)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(ones({3, 5, 5}), w),
                             doctest::Contains("conv2d: expected a 4-D"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, ones({4, 3, 3})), doctest::Contains("4-D weight"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(ones({2, 4, 5, 5}), ones({3, 2, 3, 3}), {}, 1, 0, 1, 2),
                             doctest::Contains("not divisible by groups 2"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, ones({4, 1, 3, 3}), {}, 1, 0, 1, 2),
                             "conv2d: input has 3 channels, weight expects 2 (groups 2)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, ones({3})), doctest::Contains("conv2d: bias [3]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(ones({2, 3, 2, 2}), w),
                             doctest::Contains("padded input (2, 2)"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, 0, 3), doctest::Contains("conv2d: kernel"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, {1, 0}), "conv2d: stride must be >= 1, got (1, 0)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, 0, 0), doctest::Contains("conv2d: dilation"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, -1), doctest::Contains("conv2d: padding"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, 0, 1, 0), doctest::Contains("conv2d: groups"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, ones({0, 3, 3, 3})), doctest::Contains("no output channels"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, ones({4, 3, 3, 3}, Dtype::float64)),
                             doctest::Contains("conv2d: mixed dtypes"), DtypeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, ones({4}, Dtype::float64)),
                             doctest::Contains("conv2d: mixed dtypes"), DtypeError);
        CHECK_THROWS_WITH_AS(conv2d(ones({2, 3, 0, 5}), w, {}, 1, 1),
                             doctest::Contains("zero-size spatial dim"), ShapeError);
        CHECK(conv2d(ones({0, 3, 0, 5}), w, {}, 1, 2).shape() == Shape{0, 4, 2, 7});
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, std::int64_t{1} << 62),
                             doctest::Contains("too large"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, 0, std::int64_t{1} << 62),
                             doctest::Contains("too large"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d(x, w, {}, 1, 0, 1, std::int64_t{1} << 62),
                             doctest::Contains("conv2d: input has 3 channels"), ShapeError);
        CHECK_THROWS_AS(conv2d(x, Tensor()), GraphError);
    }

    TEST_CASE("conv1d errors speak of 1-D shapes") {
        Tensor x = ones({2, 3, 5}), w = ones({4, 3, 3});
        CHECK_THROWS_WITH_AS(conv1d(ones({2, 3, 5, 5}), w),
                             "conv1d: expected a 3-D input [N, C, L], got [2, 3, 5, 5]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv1d(x, ones({4, 2, 3})),
                             "conv1d: input has 3 channels, weight expects 2 (groups 1)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv1d(x, w, {}, 0), "conv1d: stride must be >= 1, got 0", ShapeError);
        CHECK_THROWS_WITH_AS(conv1d(ones({2, 3, 2}), w), doctest::Contains("padded input 2"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(conv1d(x, w, ones({2})), doctest::Contains("conv1d: bias"),
                             ShapeError);
    }

    TEST_CASE("conv2d_bias_backward sums every dim but 1") {
        // Hand-computed: channel 0 holds 0..3 and 8..11 (sum 44), channel 1 4..7 and 12..15 (76).
        Tensor g = reshape(arange(16, Dtype::float64), {2, 2, 2, 2});
        CHECK(conv2d_bias_backward(g).values() == std::vector<double>{44, 76});
        CHECK(conv2d_bias_backward(zeros({0, 3, 2})).values() == std::vector<double>{0, 0, 0});
    }

    TEST_CASE("conv2d backward primitives refuse a gradient of the wrong shape") {
        Tensor w = ones({4, 3, 3, 3});
        CHECK_THROWS_WITH_AS(conv2d_input_backward(ones({2, 4, 2, 2}), w, {2, 3, 5, 5}, 1, 0, 1, 1),
                             doctest::Contains("conv2d_input_backward: grad [2, 4, 2, 2]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(
            conv2d_weight_backward(ones({2, 3, 5, 5}), ones({2, 4, 3, 2}), w.shape(), 1, 0, 1, 1),
            doctest::Contains("conv2d_weight_backward: grad"), ShapeError);
        CHECK_THROWS_WITH_AS(conv2d_bias_backward(ones({4})),
                             doctest::Contains("conv2d_bias_backward: expected grad"), ShapeError);
    }
}
