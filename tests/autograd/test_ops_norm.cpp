// layer_norm, batch_norm, var, std and logsumexp against PyTorch: outputs, gradients of input,
// weight and bias, and updated running stats in float64 and float32, compared to the figures
// reference/norm_reference.py obtained from torch 1.13 (reference/norm_reference.inc). Also: the
// running stats change once per forward call, results do not depend on the thread count, empty
// inputs, and bad arguments throw naming the op.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct NormReference {
    std::string op;
    std::vector<std::int64_t> shape, dims;  // dims: normalized_shape for layer_norm
    double correction, momentum, eps;
    bool keepdim, training;
    // Inputs (empty: undefined), then PyTorch's results.
    std::vector<double> x, weight, bias, running_mean, running_var, grad_out;
    std::vector<double> out, grad_x, grad_weight, grad_bias, new_running_mean, new_running_var;
};
#include "reference/norm_reference.inc"

Tensor input_of(const std::vector<double>& values, const Shape& shape, Dtype dtype, bool grad) {
    if (values.empty() && shape.numel() != 0) return {};
    Tensor t = from_vector(values, shape, dtype);
    return grad ? t.requires_grad_() : t;
}

// Equal within `tol` relative to the expected value; NaN matches NaN and infinities match.
void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol,
                 const char* what) {
    INFO(std::string(what));
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("element ", i, ": ", got[i], " vs PyTorch's ", want[i]);
        if (std::isnan(want[i]) || std::isinf(want[i]))
            CHECK((std::isnan(want[i]) ? std::isnan(got[i]) : got[i] == want[i]));
        else
            CHECK(std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i])));
    }
}

std::string list_string(const std::vector<std::int64_t>& dims) {
    std::string s = "{";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "}";
}

std::vector<double> values_or_empty(const Tensor& t) {
    return t.defined() ? t.values() : std::vector<double>{};
}

void check_case(const NormReference& r, Dtype dtype, double tol) {
    INFO(r.op, " of ", list_string(r.shape), " over ", list_string(r.dims), " training ",
         r.training, " momentum ", r.momentum, " (", dtype_name(dtype), ")");
    Shape params =
        r.op == "layer_norm" ? Shape(r.dims) : Shape{r.shape.size() > 1 ? r.shape[1] : 0};
    Tensor x = input_of(r.x, Shape(r.shape), dtype, true);
    Tensor w = input_of(r.weight, params, dtype, true);
    Tensor b = input_of(r.bias, params, dtype, true);
    Tensor rm = input_of(r.running_mean, params, dtype, false);
    Tensor rv = input_of(r.running_var, params, dtype, false);
    Tensor out;
    if (r.op == "layer_norm") out = layer_norm(x, r.dims, w, b, r.eps);
    if (r.op == "batch_norm") out = batch_norm(x, rm, rv, w, b, r.training, r.momentum, r.eps);
    if (r.op == "var") out = var(x, r.dims, r.correction, r.keepdim);
    if (r.op == "std") out = potatolemon::std(x, r.dims, r.correction, r.keepdim);
    if (r.op == "logsumexp") out = logsumexp(x, r.dims, r.keepdim);
    REQUIRE(out.defined());
    CHECK(out.dtype() == dtype);
    check_close(out.values(), r.out, tol, "output");
    out.backward(from_vector(r.grad_out, out.shape(), dtype));
    check_close(x.grad().values(), r.grad_x, tol, "gradient of the input");
    check_close(values_or_empty(w.defined() ? w.grad() : w), r.grad_weight, tol, "of weight");
    check_close(values_or_empty(b.defined() ? b.grad() : b), r.grad_bias, tol, "of bias");
    check_close(values_or_empty(rm), r.new_running_mean, tol, "running mean after the call");
    check_close(values_or_empty(rv), r.new_running_var, tol, "running var after the call");
}

Tensor batch_input(Dtype dtype = Dtype::float64) {
    Generator gen(3);
    return randn({4, 3, 2}, gen, dtype);
}
}  // namespace

TEST_SUITE("ops_norm") {
    TEST_CASE("float64 outputs, gradients and running stats match PyTorch's") {
        for (const NormReference& r : kReferenceF64) check_case(r, Dtype::float64, 1e-12);
    }

    TEST_CASE("float32 outputs, gradients and running stats match PyTorch's") {
        // PyTorch accumulates float32 statistics in float, we in double: a few ulps apart (the
        // script's large-offset case compares with float64 figures instead; see there).
        for (const NormReference& r : kReferenceF32) check_case(r, Dtype::float32, 2e-5);
    }

    TEST_CASE("batch_norm training: running stats move once per forward call, not in backward") {
        // The first reference case, run twice: the second call applies the same batch statistics
        // again, r2 = (1 - m) r1 + m stat with m stat = r1 - (1 - m) r0 from PyTorch's r0 -> r1.
        const NormReference& r = kReferenceF64[5];
        REQUIRE(r.op == "batch_norm");
        REQUIRE(r.training);
        Shape channels{r.shape[1]};
        Tensor x = input_of(r.x, Shape(r.shape), Dtype::float64, true);
        Tensor w = input_of(r.weight, channels, Dtype::float64, true);
        Tensor rm = input_of(r.running_mean, channels, Dtype::float64, false);
        Tensor rv = input_of(r.running_var, channels, Dtype::float64, false);
        Tensor out = batch_norm(x, rm, rv, w, {}, true, r.momentum, r.eps);
        // Backward, including a recorded one and its own backward, leaves the stats alone.
        Tensor grad_x = grad({sum(out * out)}, {x}, {}, {.create_graph = true})[0];
        sum(grad_x * grad_x).backward();
        check_close(rm.values(), r.new_running_mean, 1e-12, "running mean after one call");
        check_close(rv.values(), r.new_running_var, 1e-12, "running var after one call");
        batch_norm(x, rm, rv, w, {}, true, r.momentum, r.eps);
        for (int c = 0; c < r.shape[1]; ++c) {
            double m = r.momentum;
            double mean_step = r.new_running_mean[c] - (1 - m) * r.running_mean[c];
            double var_step = r.new_running_var[c] - (1 - m) * r.running_var[c];
            CHECK(rm.values()[c] == doctest::Approx((1 - m) * r.new_running_mean[c] + mean_step));
            CHECK(rv.values()[c] == doctest::Approx((1 - m) * r.new_running_var[c] + var_step));
        }
    }

    TEST_CASE("batch_norm eval leaves the running stats as they are") {
        Tensor rm = tensor({0.1, 0.2, 0.3}, Dtype::float64), rv = tensor({1.0, 2.0, 3.0});
        rv = rv.to(Dtype::float64);
        batch_norm(batch_input().requires_grad_(), rm, rv, {}, {}, false)
            .backward(ones({4, 3, 2}, Dtype::float64));
        CHECK(rm.values() == std::vector<double>{0.1, 0.2, 0.3});
        CHECK(rv.values() == std::vector<double>{1.0, 2.0, 3.0});
    }

    TEST_CASE("batch_norm without running stats normalises with the batch's in eval too") {
        Tensor x = batch_input();
        Tensor eval = batch_norm(x, {}, {}, {}, {}, false);
        Tensor train = batch_norm(x, {}, {}, {}, {}, true);
        CHECK(eval.values() == train.values());
        // Each channel then has mean 0 and biased variance 1 (up to eps).
        for (double v : mean(train, {0, 2}).values()) CHECK(v == doctest::Approx(0).epsilon(1e-12));
        for (double v : var(train, {0, 2}, 0).values())
            CHECK(v == doctest::Approx(1).epsilon(1e-4));
    }

    TEST_CASE("results are bitwise identical for 1 and 2 threads on inputs large enough to split") {
        int before = num_threads();
        Generator gen(11);
        Tensor x = randn({64, 8, 16, 16}, gen, Dtype::float32).requires_grad_();
        Tensor w = randn({256}, gen, Dtype::float32).requires_grad_();
        auto run = [&](int threads) {
            set_num_threads(threads);
            Tensor rm = zeros({8}), rv = ones({8});
            std::vector<Tensor> outs{batch_norm(x, rm, rv, {}, {}, true),
                                     layer_norm(x, {16, 16}, view(w, {16, 16})), var(x, {0, 2, 3}),
                                     potatolemon::std(x, {1}), logsumexp(x, {0, 3})};
            std::vector<std::vector<double>> values{rm.values(), rv.values()};
            for (const Tensor& o : outs) values.push_back(o.values());
            return values;
        };
        auto one = run(1);
        auto two = run(2);
        set_num_threads(before);
        CHECK(one == two);
    }

    TEST_CASE("empty inputs: empty outputs, NaN variance, -inf logsumexp, stats untouched") {
        CHECK(layer_norm(zeros({0, 4}), {4}).shape() == Shape{0, 4});
        CHECK(layer_norm(zeros({2, 0}), {0}).shape() == Shape{2, 0});
        Tensor rm = zeros({3}), rv = ones({3});
        CHECK(batch_norm(zeros({0, 3}), rm, rv, {}, {}, true).shape() == Shape{0, 3});
        CHECK(rm.values() == std::vector<double>{0, 0, 0});
        CHECK(rv.values() == std::vector<double>{1, 1, 1});
        CHECK(std::isnan(var(zeros({0}), {}).item()));
        CHECK(var(zeros({2, 0}), {0}).shape() == Shape{0});
        CHECK(logsumexp(zeros({2, 0}), {1}).values() == std::vector<double>{-kInf, -kInf});
        // Past n the divisor is 0: inf for a spread, NaN for a constant (PyTorch's answers).
        CHECK(var(tensor({1, 2}), {0}, 2).item() == kInf);
        CHECK(std::isnan(var(tensor({1, 1}), {0}, 2).item()));
        CHECK(std::isnan(var(scalar_tensor(3), {}).item()));
        CHECK(var(scalar_tensor(3), {}, 0).item() == 0);
    }

    TEST_CASE("logsumexp of float32 inputs near 1000 stays finite (max shift)") {
        Tensor x = tensor({1000, 1000, 999}, Dtype::float32);
        CHECK(logsumexp(x, {0}).item() == doctest::Approx(1000 + std::log(2 + std::exp(-1.0))));
    }

    TEST_CASE("layer_norm: bad normalized_shape, parameters and dtypes throw naming the op") {
        CHECK_THROWS_WITH_AS(
            layer_norm(ones({2, 3}), {4}),
            "layer_norm: normalized_shape [4] must be the trailing dims of input [2, 3] (and not "
            "empty)",
            ShapeError);
        CHECK_THROWS_WITH_AS(layer_norm(ones({2, 3}), {}), doctest::Contains("layer_norm"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(layer_norm(ones({3}), {2, 3}), doctest::Contains("layer_norm"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(layer_norm(ones({2, 3}), {3}, ones({2})),
                             "layer_norm: weight [2] must have shape [3] for input [2, 3]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(layer_norm(ones({2, 3}), {3}, {}, ones({3, 1})),
                             doctest::Contains("layer_norm: bias [3, 1]"), ShapeError);
        CHECK_THROWS_WITH_AS(layer_norm(ones({2, 3}), {3}, ones({3}, Dtype::float64)),
                             doctest::Contains("layer_norm: mixed dtypes"), DtypeError);
        CHECK_THROWS_AS(layer_norm(ones({2, 3}).to(Dtype::int64), {3}), DtypeError);
    }

    TEST_CASE("batch_norm: bad ranks, shapes and single-value batches throw naming the op") {
        CHECK_THROWS_WITH_AS(
            batch_norm(ones({1, 3}), {}, {}, {}, {}, true),
            "batch_norm: expected more than 1 value per channel when training, got input [1, 3]",
            ShapeError);
        CHECK_THROWS_AS(batch_norm(ones({1, 3, 1, 1}), zeros({3}), ones({3}), {}, {}, true),
                        ShapeError);
        CHECK_NOTHROW(batch_norm(ones({1, 3}), zeros({3}), ones({3}), {}, {}, false));
        CHECK_THROWS_WITH_AS(batch_norm(ones({3}), {}, {}),
                             "batch_norm: input [3] needs at least 2 dims ([N, C, ...])",
                             ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3}), zeros({4}), ones({3})),
                             "batch_norm: running_mean [4] must have shape [3] for input [2, 3]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3, 5}), zeros({3}), ones({5})),
                             doctest::Contains("batch_norm: running_var [5]"), ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3}), {}, {}, ones({2}), {}, true),
                             doctest::Contains("batch_norm: weight [2]"), ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3}), {}, {}, {}, ones({1, 3}), true),
                             doctest::Contains("batch_norm: bias [1, 3]"), ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3}), zeros({3}), {}),
                             doctest::Contains("batch_norm: running_mean and running_var"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(batch_norm(ones({2, 3}), zeros({3}, Dtype::float64), ones({3})),
                             doctest::Contains("batch_norm: mixed dtypes"), DtypeError);
    }

    TEST_CASE("var, std and logsumexp: bad dims are IndexErrors naming the op") {
        CHECK_THROWS_WITH_AS(var(ones({2, 3}), {2}),
                             "var: dim 2 out of range for a tensor of rank 2", IndexError);
        CHECK_THROWS_WITH_AS(potatolemon::std(ones({2, 3}), {-3}), doctest::Contains("std: dim -3"),
                             IndexError);
        CHECK_THROWS_WITH_AS(logsumexp(ones({2, 3}), {0, -2}),
                             doctest::Contains("logsumexp: a dim appears twice"), IndexError);
        CHECK_THROWS_AS(var(ones({2}).to(Dtype::int64), {}), DtypeError);
        // A rank-0 tensor takes dim 0 or -1 (its one implicit dim), nothing else.
        CHECK(logsumexp(scalar_tensor(2), {0}).item() == 2);
        CHECK_THROWS_WITH_AS(var(scalar_tensor(2), {1}), doctest::Contains("var: dim 1"),
                             IndexError);
    }
}
