// Bad input to every op of the model-breadth families: wrong ranks and dtypes, negative, zero and
// huge sizes (int64 products that overflow), out-of-range indices and dims, bool tensors into
// float ops, undefined tensors. Each must throw a typed exception whose message starts with the
// op's name; run under ASan+UBSan, none may crash or reach undefined behaviour.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
constexpr std::int64_t kHuge = std::int64_t(1) << 62;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// f() throws one of the library's typed exceptions, its message starting with `op`. `line`: the
// caller's, for the report.
void expect_typed(const std::string& op, const std::function<void()>& f,
                  int line = __builtin_LINE()) {
    INFO("case at line ", line);
    auto check = [&](const std::exception& e) {
        INFO("message: ", std::string(e.what()));
        CHECK(std::string(e.what()).rfind(op + ":", 0) == 0);
    };
    try {
        f();
        FAIL_CHECK(op, ": returned instead of throwing");
    } catch (const ShapeError& e) {
        check(e);
    } catch (const DtypeError& e) {
        check(e);
    } catch (const IndexError& e) {
        check(e);
    } catch (const GraphError& e) {
        check(e);
    } catch (const std::exception& e) {
        FAIL_CHECK(op, ": untyped exception: ", std::string(e.what()));
    }
}

Tensor f32(const Shape& s) {
    return ones(s, Dtype::float32);
}
Tensor f64(const Shape& s) {
    return ones(s, Dtype::float64);
}
Tensor i64(const Shape& s) {
    return zeros(s, Dtype::int64);
}
Tensor b8(const Shape& s) {
    return zeros(s, Dtype::boolean);
}
}  // namespace

TEST_CASE("conv2d and conv1d reject bad ranks, dtypes, sizes and arguments, naming the op") {
    Tensor x = f32({1, 2, 5, 5}), w = f32({3, 2, 3, 3});
    expect_typed("conv2d", [&] { conv2d(f32({2, 5, 5}), w); });
    expect_typed("conv2d", [&] { conv2d(x, f32({3, 2, 3})); });
    expect_typed("conv2d", [&] { conv2d(i64({1, 2, 5, 5}), i64({3, 2, 3, 3})); });
    expect_typed("conv2d", [&] { conv2d(b8({1, 2, 5, 5}), b8({3, 2, 3, 3})); });
    expect_typed("conv2d", [&] { conv2d(x, f64({3, 2, 3, 3})); });
    expect_typed("conv2d", [&] { conv2d(x, w, f64({3})); });
    expect_typed("conv2d", [&] { conv2d(x, w, f32({4})); });
    expect_typed("conv2d", [&] { conv2d(x, w, i64({3})); });
    expect_typed("conv2d", [&] { conv2d(Tensor{}, w); });
    expect_typed("conv2d", [&] { conv2d(x, Tensor{}); });
    expect_typed("conv2d", [&] { conv2d(x, f32({0, 2, 3, 3})); });
    expect_typed("conv2d", [&] { conv2d(x, f32({3, 2, 0, 3})); });
    expect_typed("conv2d", [&] { conv2d(f32({1, 2, 0, 5}), w); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 0); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, -1); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, -1); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, 0, 0); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, 0, 1, 0); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, 0, 1, -2); });
    expect_typed("conv2d", [&] { conv2d(x, f32({3, 1, 3, 3}), {}, 1, 0, 1, 2); });
    expect_typed("conv2d", [&] { conv2d(x, f32({4, 1, 3, 3}), {}, 1, 0, 1, 3); });
    expect_typed("conv2d", [&] { conv2d(x, f32({3, 2, 7, 7})); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, kHuge); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, kMax); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, 0, kHuge); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, 0, kMax); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, kMax, 0, 1, kMax); });
    expect_typed("conv2d", [&] { conv2d(x, w, {}, 1, Size2(kHuge, 0)); });
    Tensor x1 = f32({1, 2, 5}), w1 = f32({3, 2, 3});
    expect_typed("conv1d", [&] { conv1d(x, w1); });
    expect_typed("conv1d", [&] { conv1d(x1, w); });
    expect_typed("conv1d", [&] { conv1d(i64({1, 2, 5}), i64({3, 2, 3})); });
    expect_typed("conv1d", [&] { conv1d(x1, w1, f32({2})); });
    expect_typed("conv1d", [&] { conv1d(x1, w1, {}, 0); });
    expect_typed("conv1d", [&] { conv1d(x1, w1, {}, 1, -1); });
    expect_typed("conv1d", [&] { conv1d(x1, w1, {}, 1, 0, 1, 0); });
    expect_typed("conv1d", [&] { conv1d(x1, w1, {}, 1, kMax); });
    expect_typed("conv1d", [&] { conv1d(x1, f32({3, 2, 9})); });
    expect_typed("conv1d", [&] { conv1d(Tensor{}, w1); });
}

TEST_CASE("pooling and pad reject bad ranks, dtypes, sizes and arguments, naming the op") {
    Tensor x = f32({1, 2, 5, 5});
    for (const char* op : {"max_pool2d", "avg_pool2d"}) {
        bool max = std::string(op) == "max_pool2d";
        auto pool = [&](const Tensor& t, Size2 k, std::optional<Size2> s = {}, Size2 p = 0) {
            return max ? max_pool2d(t, k, s, p) : avg_pool2d(t, k, s, p);
        };
        expect_typed(op, [&] { pool(f32({5, 5}), 2); });
        expect_typed(op, [&] { pool(f32({1, 1, 1, 5, 5}), 2); });
        expect_typed(op, [&] { pool(i64({1, 2, 5, 5}), 2); });
        expect_typed(op, [&] { pool(b8({1, 2, 5, 5}), 2); });
        expect_typed(op, [&] { pool(Tensor{}, 2); });
        expect_typed(op, [&] { pool(f32({1, 0, 5, 5}), 2); });
        expect_typed(op, [&] { pool(f32({1, 2, 0, 5}), 2); });
        expect_typed(op, [&] { pool(x, 0); });
        expect_typed(op, [&] { pool(x, -2); });
        expect_typed(op, [&] { pool(x, 2, Size2(0)); });
        expect_typed(op, [&] { pool(x, 2, Size2(-1)); });
        expect_typed(op, [&] { pool(x, 2, {}, -1); });
        expect_typed(op, [&] { pool(x, 2, {}, 2); });
        expect_typed(op, [&] { pool(x, 6); });
        expect_typed(op, [&] { pool(x, kMax); });
        expect_typed(op, [&] { pool(x, Size2(kMax, 2), {}, Size2(kMax / 2 + 1, 0)); });
    }
    expect_typed("max_pool2d", [&] { max_pool2d(x, 2, {}, 0, 0); });
    expect_typed("max_pool2d", [&] { max_pool2d(x, 2, {}, 0, -1); });
    expect_typed("max_pool2d", [&] { max_pool2d(x, 2, {}, 0, kMax); });
    expect_typed("max_pool2d", [&] { max_pool2d(x, 3, {}, 1, kHuge); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {1}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {1, 1, 1, 1, 1, 1}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {-3, 0}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {-2, -1}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {kMax, kMax}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {kHuge, kHuge, kHuge, kHuge}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {std::numeric_limits<std::int64_t>::min(), 0}); });
    expect_typed("pad", [&] { pad(Tensor{}, {1, 1}); });
    expect_typed("pad", [&] { pad(f32({2, 2}), {kHuge / 2, 0, kHuge / 2, 0}); });
}

TEST_CASE("pooling windows of huge but valid sizes cover the whole input without overflow") {
    Tensor x = reshape(arange(25, Dtype::float64), {1, 1, 5, 5});
    CHECK(max_pool2d(x, kMax, {}, kMax / 2).values() == std::vector<double>{24});
    CHECK(max_pool2d(x, kMax, 1, kMax / 2).values() == std::vector<double>(25, 24));
    CHECK(max_pool2d(x, 2, Size2(kMax)).values() == std::vector<double>{6});
    CHECK(avg_pool2d(x, Size2(kHuge, 1), {}, Size2(kHuge / 2, 0), false).values() ==
          std::vector<double>{10, 11, 12, 13, 14});
    // count_include_pad divides by kernel_h * kernel_w = 2^62, rounded as PyTorch's int64 product.
    CHECK(avg_pool2d(x, Size2(kHuge, 1), {}, Size2(kHuge / 2, 0)).values() ==
          std::vector<double>{50 / 0x1p62, 55 / 0x1p62, 60 / 0x1p62, 65 / 0x1p62, 70 / 0x1p62});
}

TEST_CASE("comparisons, selection and arg extremes reject bad input, naming the op") {
    Tensor a = f32({2, 3});
    expect_typed("lt", [&] { lt(a, f32({4})); });
    expect_typed("ge", [&] { ge(Tensor{}, a); });
    expect_typed("gt", [&] { gt(Tensor{}, 1.0); });
    expect_typed("logical_and", [&] { logical_and(a, f32({4})); });
    expect_typed("logical_not", [&] { logical_not(Tensor{}); });
    expect_typed("where", [&] { where(f32({2, 3}), a, a); });
    expect_typed("where", [&] { where(b8({2, 3}), a, f64({2, 3})); });
    expect_typed("where", [&] { where(b8({4}), a, a); });
    expect_typed("where", [&] { where(b8({2, 3}), Tensor{}, a); });
    expect_typed("masked_fill", [&] { masked_fill(a, f32({2, 3}), 0); });
    expect_typed("masked_fill", [&] { masked_fill(a, i64({2, 3}), 0); });
    expect_typed("masked_fill", [&] { masked_fill(a, b8({4}), 0); });
    expect_typed("masked_fill", [&] { masked_fill(a, Tensor{}, 0); });
    expect_typed("masked_fill", [&] { masked_fill(Tensor{}, b8({2, 3}), 0); });
    expect_typed("maximum", [&] { maximum(a, f64({2, 3})); });
    expect_typed("maximum", [&] { maximum(a, f32({2, 2})); });
    expect_typed("minimum", [&] { minimum(a, Tensor{}); });
    expect_typed("argmax", [&] { argmax(b8({2})); });
    expect_typed("argmax", [&] { argmax(f32({0})); });
    expect_typed("argmax", [&] { argmax(f32({2, 0}), 1); });
    expect_typed("argmax", [&] { argmax(a, 2); });
    expect_typed("argmax", [&] { argmax(a, -3); });
    expect_typed("argmin", [&] { argmin(scalar_tensor(1), 1); });
    expect_typed("argmin", [&] { argmin(a, kMax); });
    expect_typed("argmin", [&] { argmin(a, std::numeric_limits<std::int64_t>::min()); });
    expect_typed("argmin", [&] { argmin(Tensor{}); });
}

TEST_CASE("norms and reductions reject bad input, naming the op") {
    Tensor x = f32({2, 3, 4});
    expect_typed("layer_norm", [&] { layer_norm(x, {}); });
    expect_typed("layer_norm", [&] { layer_norm(x, {5}); });
    expect_typed("layer_norm", [&] { layer_norm(x, {-4}); });
    expect_typed("layer_norm", [&] { layer_norm(x, {2, 3, 4, 1}); });
    expect_typed("layer_norm", [&] { layer_norm(x, {4}, f32({3})); });
    expect_typed("layer_norm", [&] { layer_norm(x, {4}, f64({4})); });
    expect_typed("layer_norm", [&] { layer_norm(x, {4}, {}, i64({4})); });
    expect_typed("layer_norm", [&] { layer_norm(i64({2, 3, 4}), {4}); });
    expect_typed("layer_norm", [&] { layer_norm(b8({2, 3, 4}), {4}); });
    expect_typed("layer_norm", [&] { layer_norm(Tensor{}, {4}); });
    Tensor rm = zeros({3}), rv = ones({3});
    expect_typed("batch_norm", [&] { batch_norm(f32({3}), rm, rv); });
    expect_typed("batch_norm", [&] { batch_norm(x, zeros({4}), ones({4})); });
    expect_typed("batch_norm", [&] { batch_norm(x, rm, Tensor{}); });
    expect_typed("batch_norm", [&] { batch_norm(x, rm, rv, f32({2})); });
    expect_typed("batch_norm", [&] { batch_norm(x, rm, rv, {}, f64({3})); });
    expect_typed("batch_norm", [&] { batch_norm(x, zeros({3}, Dtype::float64), rv); });
    expect_typed("batch_norm", [&] { batch_norm(x, i64({3}), rv); });
    expect_typed("batch_norm", [&] { batch_norm(i64({2, 3, 4}), {}, {}, {}, {}, true); });
    expect_typed("batch_norm", [&] { batch_norm(f32({1, 3}), rm, rv, {}, {}, true); });
    expect_typed("batch_norm", [&] { batch_norm(Tensor{}, rm, rv); });
    for (const char* op : {"var", "std", "logsumexp"}) {
        auto f = [&](const Tensor& t, const std::vector<std::int64_t>& dims) {
            std::string name = op;
            return name == "var"   ? var(t, dims)
                   : name == "std" ? potatolemon::std(t, dims)
                                   : logsumexp(t, dims);
        };
        expect_typed(op, [&] { f(x, {3}); });
        expect_typed(op, [&] { f(x, {-4}); });
        expect_typed(op, [&] { f(x, {1, 1}); });
        expect_typed(op, [&] { f(x, {1, -2}); });
        expect_typed(op, [&] { f(x, {kMax}); });
        expect_typed(op, [&] { f(x, {std::numeric_limits<std::int64_t>::min()}); });
        expect_typed(op, [&] { f(i64({2}), {0}); });
        expect_typed(op, [&] { f(b8({2}), {0}); });
        expect_typed(op, [&] { f(Tensor{}, {0}); });
    }
}

TEST_CASE("dropout, embedding and activations reject bad input, naming the op") {
    Tensor x = f32({2, 3});
    expect_typed("dropout", [&] { dropout(x, -0.1, true); });
    expect_typed("dropout", [&] { dropout(x, 1.5, true); });
    expect_typed("dropout", [&] { dropout(x, std::numeric_limits<double>::quiet_NaN(), true); });
    expect_typed("dropout", [&] { dropout(i64({2}), 0.5, true); });
    expect_typed("dropout", [&] { dropout(b8({2}), 0.5, true); });
    expect_typed("dropout", [&] { dropout(Tensor{}, 0.5, true); });
    Tensor w = f32({4, 3});
    expect_typed("embedding", [&] { embedding(w, tensor({4}, Dtype::int64)); });
    expect_typed("embedding", [&] { embedding(w, tensor({-1}, Dtype::int64)); });
    expect_typed("embedding", [&] { embedding(w, tensor({double(kHuge)}, Dtype::int64)); });
    expect_typed("embedding", [&] { embedding(w, tensor({1}, Dtype::float32)); });
    expect_typed("embedding", [&] { embedding(w, b8({2})); });
    expect_typed("embedding", [&] { embedding(f32({4}), i64({2})); });
    expect_typed("embedding", [&] { embedding(f32({4, 3, 2}), i64({2})); });
    expect_typed("embedding", [&] { embedding(i64({4, 3}), i64({2})); });
    expect_typed("embedding", [&] { embedding(Tensor{}, i64({2})); });
    expect_typed("embedding", [&] { embedding(w, Tensor{}); });
    expect_typed("gelu", [&] { gelu(x, "sigmoid"); });
    expect_typed("gelu", [&] { gelu(x, ""); });
    expect_typed("gelu", [&] { gelu(i64({2})); });
    expect_typed("gelu", [&] { gelu(b8({2})); });
    expect_typed("gelu", [&] { gelu(Tensor{}); });
    expect_typed("gelu_backward", [&] { gelu_backward(x, f32({3})); });
    expect_typed("silu", [&] { silu(i64({2})); });
    expect_typed("silu", [&] { silu(b8({2})); });
    expect_typed("silu", [&] { silu(Tensor{}); });
    expect_typed("silu_backward", [&] { silu_backward(x, f64({2, 3})); });
    expect_typed("elu", [&] { elu(i64({2})); });
    expect_typed("elu", [&] { elu(b8({2})); });
    expect_typed("elu", [&] { elu(Tensor{}); });
    expect_typed("elu_backward", [&] { elu_backward(x, f32({2, 2})); });
}

TEST_CASE("a result whose byte count overflows size_t throws ShapeError, not a short allocation") {
    CHECK_THROWS_AS(zeros(Shape{std::int64_t(1) << 61}, Dtype::float64), ShapeError);
    CHECK_THROWS_AS(empty(Shape{kHuge, 2}, Dtype::float32), ShapeError);
    CHECK_THROWS_AS(pad(f32({2, 2}), {0, 0, std::int64_t(1) << 61, 0}), ShapeError);
}

TEST_CASE("the public backward primitives reject bad gradients, indices and shapes") {
    Tensor g = f32({1, 1, 2, 2}), idx = i64({1, 1, 2, 2});
    expect_typed("max_pool2d_backward", [&] {
        max_pool2d_backward(g, full({1, 1, 2, 2}, 16, Dtype::int64), {1, 1, 4, 4});
    });
    expect_typed("max_pool2d_backward", [&] {
        max_pool2d_backward(g, full({1, 1, 2, 2}, -2, Dtype::int64), {1, 1, 4, 4});
    });
    expect_typed("max_pool2d_backward", [&] {
        max_pool2d_backward(g, f32({1, 1, 2, 2}), {1, 1, 4, 4});
    });
    expect_typed("max_pool2d_backward", [&] {
        max_pool2d_backward(i64({1, 1, 2, 2}), idx, {1, 1, 4, 4});
    });
    expect_typed("max_pool2d_backward", [&] {
        max_pool2d_backward(g, i64({1, 1, 2, 3}), {1, 1, 4, 4});
    });
    expect_typed("max_pool2d_backward", [&] { max_pool2d_backward(g, idx, {1, 2, 4, 4}); });
    expect_typed("max_pool2d_backward", [&] { max_pool2d_backward(g, idx, {1, 1, kHuge, kHuge}); });
    expect_typed("max_pool2d_backward", [&] { max_pool2d_backward(Tensor{}, idx, {1, 1, 4, 4}); });
    expect_typed("avg_pool2d_backward", [&] {
        avg_pool2d_backward(g, {1, 1, 6, 6}, 2, 2, 0, true);
    });
    expect_typed("avg_pool2d_backward", [&] {
        avg_pool2d_backward(g, {1, 1, 4, 4}, 0, 2, 0, true);
    });
    expect_typed("avg_pool2d_backward", [&] {
        avg_pool2d_backward(i64({1, 1, 2, 2}), {1, 1, 4, 4}, 2, 2, 0, true);
    });
    expect_typed("avg_pool2d_backward", [&] {
        avg_pool2d_backward(g, {1, 1, kHuge, kHuge}, 2, 2, 0, true);
    });
    Tensor w = f32({2, 1, 3, 3}), go = f32({1, 2, 3, 3});
    expect_typed("conv2d_input_backward", [&] {
        conv2d_input_backward(go, w, {1, 1, 4, 4}, 1, 0, 1, 1);
    });
    expect_typed("conv2d_input_backward", [&] {
        conv2d_input_backward(go, w, {1, 1, 5, 5}, 0, 0, 1, 1);
    });
    expect_typed("conv2d_input_backward", [&] {
        conv2d_input_backward(go, f64({2, 1, 3, 3}), {1, 1, 5, 5}, 1, 0, 1, 1);
    });
    expect_typed("conv2d_input_backward", [&] {
        conv2d_input_backward(go, w, {1, 1, 5, 5}, 1, kMax, 1, 1);
    });
    expect_typed("conv2d_weight_backward", [&] {
        conv2d_weight_backward(f32({1, 1, 5, 5}), go, {2, 1, 2, 2}, 1, 0, 1, 1);
    });
    expect_typed("conv2d_weight_backward", [&] {
        conv2d_weight_backward(i64({1, 1, 5, 5}), go, {2, 1, 3, 3}, 1, 0, 1, 1);
    });
    expect_typed("conv2d_weight_backward", [&] {
        conv2d_weight_backward(f32({1, 1, 5, 5}), go, {2, 1, 3, 3}, 1, 0, kHuge, 1);
    });
    expect_typed("conv2d_weight_backward", [&] {
        conv2d_weight_backward(Tensor{}, go, {2, 1, 3, 3}, 1, 0, 1, 1);
    });
}
