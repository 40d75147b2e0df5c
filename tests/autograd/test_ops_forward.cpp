// Forward values of the ops against hand-computed results (each comment says how).
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using V = std::vector<double>;

TEST_SUITE("ops_forward") {
    TEST_CASE("broadcasting arithmetic") {
        Tensor a = tensor({{1, 2, 3}, {4, 5, 6}});
        Tensor row = tensor({10, 20, 30});
        Tensor col = reshape(tensor({1, 2}), {2, 1});
        CHECK((a + row).values() == V{11, 22, 33, 14, 25, 36});
        CHECK((a - col).values() == V{0, 1, 2, 2, 3, 4});
        CHECK((col * row).values() == V{10, 20, 30, 20, 40, 60});  // outer product by broadcast
        CHECK((a / 2.0).values() == V{0.5, 1, 1.5, 2, 2.5, 3});
        CHECK((1.0 - a).values() == V{0, -1, -2, -3, -4, -5});
        CHECK((6.0 / tensor({1, 2, 3})).values() == V{6, 3, 2});
        CHECK((-a).values() == V{-1, -2, -3, -4, -5, -6});
        CHECK((a + scalar_tensor(1)).shape() == Shape{2, 3});
    }

    TEST_CASE("unary functions") {
        Tensor x = tensor({-2, 0, 3}, Dtype::float64);
        CHECK(relu(x).values() == V{0, 0, 3});
        CHECK(leaky_relu(x, 0.1).values() == V{-0.2, 0, 3});
        CHECK(abs(x).values() == V{2, 0, 3});
        CHECK(clamp(x, -1, 1).values() == V{-1, 0, 1});
        CHECK(pow(x, 2).values() == V{4, 0, 9});
        CHECK(exp(x).at({2}) == doctest::Approx(20.085536923187668));  // e^3
        CHECK(log(tensor({1, std::exp(2.0)}, Dtype::float64)).values() == V{0, 2});
        CHECK(sqrt(tensor({4, 9})).values() == V{2, 3});
        CHECK(tanh(x).at({1}) == 0);
        CHECK(sigmoid(x).at({1}) == 0.5);
        CHECK(softplus(tensor({0}, Dtype::float64)).item() == doctest::Approx(std::log(2.0)));
    }

    TEST_CASE("sigmoid, softplus and log_sigmoid stay finite for large |x|") {
        Tensor big = tensor({-1000, 1000});
        CHECK(sigmoid(big).values() == V{0, 1});
        CHECK(softplus(big).values() == V{0, 1000});
        CHECK(log_sigmoid(big).values() == V{-1000, 0});
    }

    TEST_CASE("relu passes NaN and -0 through and its gradient reaches NaN, as PyTorch") {
        // torch.relu([nan, -0., 0., -2, 3, -inf]) = [nan, -0., 0., 0., 3., 0.]; its backward of
        // ones is [1, 0, 0, 0, 1, 0].
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            Tensor x = tensor({NAN, -0.0, 0, -2, 3, -INFINITY}, dtype).requires_grad_();
            Tensor out = relu(x);
            V got = out.values();
            CHECK(std::isnan(got[0]));
            CHECK(V(got.begin() + 1, got.end()) == V{0, 0, 0, 3, 0});
            CHECK(std::signbit(got[1]));
            CHECK_FALSE(std::signbit(got[2]));
            out.backward(ones_like(out));
            CHECK(x.grad().values() == V{1, 0, 0, 0, 1, 0});
        }
    }

    TEST_CASE("threshold_backward gives +0 where x <= 0 and grad elsewhere, NaN too, as PyTorch") {
        // torch.ops.aten.threshold_backward(g, x, 0.) gives [0, 0, 0, 0, 0, 5, 7, -0], every zero
        // +0 but the last (where x > 0 passes the gradient's -0).
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            Tensor g = tensor({1, -2, NAN, -INFINITY, -3, 5, 7, -0.0}, dtype);
            Tensor x = tensor({-1, -0.5, -2, 0, -0.0, 2, NAN, 3}, dtype);
            Tensor out = threshold_backward(g, x);
            CHECK(out.values() == V{0, 0, 0, 0, 0, 5, 7, 0});
            std::vector<int> negative;
            for (double v : out.values()) negative.push_back(std::signbit(v));
            CHECK(negative == std::vector<int>{0, 0, 0, 0, 0, 0, 0, 1});
        }
        CHECK_THROWS_WITH_AS(threshold_backward(tensor({1, 2}), tensor({1, 2, 3})),
                             doctest::Contains("threshold_backward"), ShapeError);
        CHECK_THROWS_WITH_AS(
            threshold_backward(tensor({1}, Dtype::float32), tensor({1}, Dtype::float64)),
            doctest::Contains("threshold_backward"), DtypeError);
    }

    TEST_CASE("relu's gradient is +0 where x <= 0, whatever the sign of the incoming grad") {
        Tensor x = tensor({-2, 0, 3}, Dtype::float64).requires_grad_();
        (relu(x) * -1.0).backward(full({3}, 1.0, Dtype::float64));
        CHECK(x.grad().values() == V{0, 0, -1});
        CHECK_FALSE(std::signbit(x.grad().at({0})));
        CHECK_FALSE(std::signbit(x.grad().at({1})));
    }

    TEST_CASE("affine and binary cross-entropy") {
        CHECK(affine(tensor({1, 2}), 3, -1).values() == V{2, 5});
        Tensor p = tensor({0.5, 0, 1, 0.25}, Dtype::float64).requires_grad_();
        Tensor y = tensor({1, 0, 0, 1}, Dtype::float64);
        Tensor loss = binary_cross_entropy(p, y);
        // -log 0.5; 0 (log 1); -log(1 - 1) clamped to 100; -log 0.25
        CHECK(loss.at({0}) == doctest::Approx(std::log(2.0)));
        CHECK(loss.at({1}) == 0);
        CHECK(loss.at({2}) == 100);
        CHECK(loss.at({3}) == doctest::Approx(std::log(4.0)));
        sum(loss).backward();
        // (p - y) / max(p (1 - p), 1e-12): -2; 0; 1e12 at the clamp; -0.75 / 0.1875 = -4
        CHECK(p.grad().values() == V{-2, 0, 1e12, -4});
    }

    TEST_CASE("a reduced binary_cross_entropy is bitwise mean or sum of the elementwise one") {
        // 40,000 elements take the thread pool's path; the others the one-pass kernel.
        for (std::int64_t n : {1, 4, 7, 40'000})
            for (Dtype dtype : {Dtype::float32, Dtype::float64})
                for (Reduction reduction : {Reduction::mean, Reduction::sum}) {
                    CAPTURE(n);
                    CAPTURE(reduction == Reduction::mean);
                    Generator gen(n);
                    Tensor p = rand({n}, gen, dtype).requires_grad_();
                    Tensor y = rand({n}, gen, dtype);
                    Tensor q = p.detach().requires_grad_();
                    Tensor fused = binary_cross_entropy(p, y, reduction);
                    Tensor elementwise = binary_cross_entropy(q, y);
                    Tensor composed =
                        reduction == Reduction::mean ? mean(elementwise) : sum(elementwise);
                    CHECK(fused.shape() == Shape{});
                    CHECK(fused.values() == composed.values());
                    fused.backward();
                    composed.backward();
                    CHECK(p.grad().values() == q.grad().values());
                }
    }

    TEST_CASE("a reduced binary_cross_entropy_backward wants a scalar gradient") {
        Tensor p = full({2}, 0.5), y = full({2}, 1.0);
        CHECK_THROWS_AS(binary_cross_entropy_backward(full({2}, 1.0), p, y, Reduction::mean),
                        ShapeError);
        CHECK(binary_cross_entropy_backward(full({}, 1.0), p, y, Reduction::sum).values() ==
              V{-2, -2});
    }

    TEST_CASE("matmul follows numpy's rules for 1-D, 2-D and batched operands") {
        Tensor a = tensor({{1, 2}, {3, 4}});
        Tensor b = tensor({{5, 6}, {7, 8}});
        CHECK(matmul(a, b).values() == V{19, 22, 43, 50});  // [1*5+2*7, 1*6+2*8; ...]
        Tensor v = tensor({1, 1});
        CHECK(matmul(a, v).values() == V{3, 7});
        CHECK(matmul(a, v).shape() == Shape{2});
        CHECK(matmul(v, a).values() == V{4, 6});
        CHECK(matmul(v, v).dim() == 0);
        CHECK(matmul(v, v).item() == 2);
        Tensor batch = stack({a, b}, 0);  // [2, 2, 2]
        Tensor out = matmul(batch, a);
        CHECK(out.shape() == Shape{2, 2, 2});
        CHECK(out.values() == V{7, 10, 15, 22, 23, 34, 31, 46});         // a·a, then b·a
        CHECK(matmul(a, b, true, false).values() == V{26, 30, 38, 44});  // aᵀ b
        CHECK(linear(v, a, tensor({1, -1})).values() == V{4, 6});        // a v + bias
    }

    TEST_CASE("shape ops") {
        Tensor x = arange(6);
        CHECK(reshape(x, {2, -1}).shape() == Shape{2, 3});
        Tensor m = reshape(x, {2, 3});
        CHECK(transpose(m, 0, 1).values() == V{0, 3, 1, 4, 2, 5});
        CHECK(permute(reshape(x, {1, 2, 3}), {2, 0, 1}).shape() == Shape{3, 1, 2});
        CHECK(flatten(reshape(x, {1, 2, 3})).shape() == Shape{6});
        CHECK(squeeze(reshape(x, {1, 6, 1})).shape() == Shape{6});
        CHECK(squeeze(reshape(x, {1, 6}), 1).shape() == Shape{1, 6});
        CHECK(unsqueeze(x, 0).shape() == Shape{1, 6});
        CHECK(expand(reshape(tensor({1, 2}), {2, 1}), {2, 3}).values() == V{1, 1, 1, 2, 2, 2});
        CHECK(broadcast_to(scalar_tensor(4), {2}).values() == V{4, 4});
    }

    TEST_CASE("reductions over all elements and over dims, with keepdim") {
        Tensor m = tensor({{1, 5, 3}, {4, 2, 6}});
        CHECK(sum(m).item() == 21);
        CHECK(sum(m, {0}).values() == V{5, 7, 9});
        CHECK(sum(m, {1}, true).shape() == Shape{2, 1});
        CHECK(sum(m, {-1}).values() == V{9, 12});
        CHECK(mean(m).item() == 3.5);
        CHECK(mean(m, {0}).values() == V{2.5, 3.5, 4.5});
        CHECK(sum_to(m, {3}).values() == V{5, 7, 9});
        CHECK(sum_to(m, {2, 1}).values() == V{9, 12});
        CHECK(max(m).item() == 6);
        CHECK(min(m).item() == 1);
        ValuesIndices mx = max(m, 1);
        CHECK(mx.values.values() == V{5, 6});
        CHECK(mx.indices.values() == V{1, 2});
        CHECK(mx.indices.dtype() == Dtype::int64);
        ValuesIndices mn = min(m, 0, true);
        CHECK(mn.values.shape() == Shape{1, 3});
        CHECK(mn.indices.values() == V{0, 1, 0});
        CHECK(sum(reshape(arange(24), {2, 3, 4}), {0, 2}).values() == V{60, 92, 124});
    }

    TEST_CASE("softmax and log_softmax are stable for inputs of ±1000") {
        Tensor x = tensor({{1000, 1000}, {-1000, 0}});
        Tensor s = softmax(x, 1);
        CHECK(s.values() == V{0.5, 0.5, 0, 1});
        Tensor l = log_softmax(x, 1);
        CHECK(l.at({0, 0}) == doctest::Approx(-std::log(2.0)));
        CHECK(l.at({1, 0}) == -1000);
        CHECK(l.at({1, 1}) == 0);
        Tensor p = softmax(tensor({1, 2, 3}, Dtype::float64), 0);  // e^k / (e + e^2 + e^3)
        double z = std::exp(1) + std::exp(2) + std::exp(3);
        CHECK(p.at({2}) == doctest::Approx(std::exp(3) / z));
    }

    TEST_CASE("indexing: slice, index_select, gather, scatter_add, concat, stack") {
        Tensor m = reshape(arange(12), {4, 3});
        CHECK(slice(m, 0, 1, 3).values() == V{3, 4, 5, 6, 7, 8});
        CHECK(slice(m, 1, 0, 3, 2).values() == V{0, 2, 3, 5, 6, 8, 9, 11});
        CHECK(slice(m, 0, -1, 100).values() == V{9, 10, 11});
        CHECK(slice(m, 0, 3, 1).numel() == 0);
        Tensor rows = tensor({3, 0}).to(Dtype::int64);
        CHECK(index_select(m, 0, rows).values() == V{9, 10, 11, 0, 1, 2});
        Tensor pick = reshape(tensor({2, 0, 1, 1}), {4, 1}).to(Dtype::int64);
        CHECK(gather(m, 1, pick).values() == V{2, 3, 7, 10});  // row i, column pick[i]
        Tensor added = scatter_add(zeros({2, 3}), 1, tensor({{0, 0}, {2, 1}}).to(Dtype::int64),
                                   tensor({{1, 2}, {3, 4}}));
        CHECK(added.values() == V{3, 0, 0, 0, 4, 3});
        CHECK(index_add(zeros({3}), 0, tensor({1, 1}).to(Dtype::int64), tensor({2, 5})).values() ==
              V{0, 7, 0});
        CHECK(concat({tensor({1}), tensor({2, 3})}, 0).values() == V{1, 2, 3});
        Tensor st = stack({tensor({1, 2}), tensor({3, 4})}, 1);
        CHECK(st.shape() == Shape{2, 2});
        CHECK(st.values() == V{1, 3, 2, 4});
    }
}
