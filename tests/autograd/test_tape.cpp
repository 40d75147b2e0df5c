// The tape: accumulation, no_grad, detach, graph release, retained and requested gradients,
// higher order (create_graph), memory, anomaly mode.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

TEST_SUITE("tape") {
    TEST_CASE("one tape entry per op whatever the tensor size") {
        Tensor a = ones({100, 100}).requires_grad_();
        std::int64_t before = tape_live_entries();
        Tensor b = exp(a) * a;  // exp and mul: two entries
        CHECK(tape_live_entries() - before == 2);
    }

    TEST_CASE("backward of a scalar fills leaf gradients; they accumulate until zeroed") {
        Tensor x = tensor({1, 2, 3}).requires_grad_();
        Tensor loss = sum(x * x);
        loss.backward();
        CHECK(x.grad().values() == std::vector<double>{2, 4, 6});
        sum(x * 3.0).backward();
        CHECK(x.grad().values() == std::vector<double>{5, 7, 9});
        x.zero_grad();
        CHECK(!x.grad().defined());
    }

    TEST_CASE("a non-scalar needs an explicit gradient of its shape") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor y = x * x;
        CHECK_THROWS_AS(y.backward(), GraphError);
        CHECK_THROWS_WITH_AS(y.backward(ones({3})), doctest::Contains("backward"), ShapeError);
        y.backward(tensor({1, 10}));
        CHECK(x.grad().values() == std::vector<double>{2, 40});
    }

    TEST_CASE("a gradient reaching a tensor twice is summed (diamond graph)") {
        Tensor x = tensor({3}).requires_grad_();
        Tensor a = x * 2.0, b = x * x;
        sum(a + b).backward();  // d/dx (2x + x^2) = 2 + 2x
        CHECK(x.grad().item() == 8);
    }

    TEST_CASE("no_grad records nothing; detach cuts the history") {
        Tensor x = tensor({1, 2}).requires_grad_();
        {
            NoGradGuard guard;
            Tensor y = x * 2.0;
            CHECK(!y.requires_grad());
            CHECK(y.grad_fn() == nullptr);
        }
        CHECK((x * 2.0).requires_grad());
        Tensor d = (x * 2.0).detach();
        CHECK_THROWS_AS(sum(d).backward(), GraphError);
        sum(d * x).backward();  // d is a constant: gradient 2x
        CHECK(x.grad().values() == std::vector<double>{2, 4});
    }

    TEST_CASE("the graph is released after backward unless retained") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor loss = sum(exp(x));
        loss.backward();
        CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("already released"), GraphError);
        Tensor kept = sum(exp(x));
        kept.backward({}, {.retain_graph = true});
        kept.backward();
        CHECK(x.grad().at({0}) == doctest::Approx(std::exp(1.0) * 3));
    }

    TEST_CASE("retain_grad keeps an intermediate's gradient") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor h = x * 3.0;
        h.retain_grad();
        sum(h * h).backward();
        CHECK(h.grad().values() == std::vector<double>{6, 12});
        CHECK(x.grad().values() == std::vector<double>{18, 36});
    }

    TEST_CASE("grad() returns gradients without touching .grad") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor w = tensor({3, 4}).requires_grad_();
        Tensor h = x * w;
        auto g = grad({sum(h * h)}, {x, h});
        CHECK(g[0].values() == std::vector<double>{2 * 9 * 1, 2 * 16 * 2});
        CHECK(g[1].values() == std::vector<double>{6, 16});
        CHECK(!x.grad().defined());
        CHECK(!w.grad().defined());
        Tensor unused = tensor({1}).requires_grad_();
        CHECK_THROWS_AS(grad({sum(x * 2.0)}, {unused}), GraphError);
        CHECK(!grad({sum(x * 2.0)}, {unused}, {}, {.allow_unused = true})[0].defined());
    }

    TEST_CASE("Hessian-vector product through create_graph matches the hand-computed one") {
        // f(x) = sum(x0^2 x1 + x1^3) has gradient (2 x0 x1, x0^2 + 3 x1^2) and Hessian
        // [[2 x1, 2 x0], [2 x0, 6 x1]]; at x = (1, 2) and v = (1, -1): H v = (4 - 2, 2 - 12).
        Tensor x = tensor({1, 2}, Dtype::float64).requires_grad_();
        Tensor x0 = slice(x, 0, 0, 1), x1 = slice(x, 0, 1, 2);
        Tensor f = sum(x0 * x0 * x1 + pow(x1, 3));
        Tensor g = grad({f}, {x}, {}, {.create_graph = true})[0];
        CHECK(g.values() == std::vector<double>{4, 13});
        Tensor v = tensor({1, -1}, Dtype::float64);
        Tensor hv = grad({sum(g * v)}, {x})[0];
        CHECK(hv.values() == std::vector<double>{2, -10});
    }

    TEST_CASE("third derivative: d3/dx3 of x^4 at 2 is 48") {
        Tensor x = scalar_tensor(2, Dtype::float64).requires_grad_();
        Tensor y = pow(x, 4);
        Tensor d1 = grad({y}, {x}, {}, {.create_graph = true})[0];
        Tensor d2 = grad({d1}, {x}, {}, {.create_graph = true})[0];
        Tensor d3 = grad({d2}, {x})[0];
        CHECK(d1.item() == 32);
        CHECK(d2.item() == 48);
        CHECK(d3.item() == 48);
    }

    TEST_CASE("memory stays flat over 100,000 forward/backward iterations") {
        Tensor w = randn({4, 3}).requires_grad_();
        Tensor x = randn({2, 4});
        std::int64_t start = tape_live_entries();
        std::int64_t most = 0;
        for (int i = 0; i < 100000; ++i) {
            Tensor loss = mean(tanh(matmul(x, w)));
            most = std::max(most, tape_live_entries() - start);
            loss.backward();
            w.zero_grad();
        }
        CHECK(tape_live_entries() == start);
        CHECK(most == 3);  // matmul, tanh, mean
    }

    TEST_CASE("a graph kept alive by its output is freed with it") {
        std::int64_t start = tape_live_entries();
        {
            Tensor x = ones({3}).requires_grad_();
            Tensor y = exp(sigmoid(x) * 2.0);  // saved outputs must not keep their own node alive
            CHECK(tape_live_entries() - start == 3);
        }
        CHECK(tape_live_entries() == start);
    }

    TEST_CASE("anomaly mode names the op whose forward made NaN or Inf") {
        Tensor x = tensor({-1, 1}).requires_grad_();
        CHECK_NOTHROW(log(x));  // off by default: NaN passes silently
        DetectAnomalyGuard anomaly;
        CHECK_THROWS_WITH_AS(log(x), doctest::Contains("log"), AnomalyError);
        CHECK_THROWS_WITH_AS(log(x), doctest::Contains("[2]"), AnomalyError);
    }

    TEST_CASE("anomaly mode names the op whose backward made NaN or Inf") {
        Tensor x = tensor({0, 1}).requires_grad_();
        Tensor y = sqrt(x);  // finite forward, infinite derivative at 0
        DetectAnomalyGuard anomaly;
        CHECK_THROWS_WITH_AS(sum(y).backward(), doctest::Contains("backward of sqrt"),
                             AnomalyError);
    }

    TEST_CASE("a backward that throws leaves no partial gradient behind") {
        Tensor x = tensor({0, 1}).requires_grad_();
        Tensor h = x * 3.0;
        Tensor y = sum(sqrt(h) + h);  // sqrt'(0) is infinite; h's entry is still waiting then
        {
            DetectAnomalyGuard anomaly;
            CHECK_THROWS_AS(y.backward({}, {.retain_graph = true}), AnomalyError);
        }
        sum(h).backward();
        CHECK(x.grad().values() == std::vector<double>{3, 3});
    }

    TEST_CASE("requires_grad_ is for leaves only") {
        Tensor x = tensor({1}).requires_grad_();
        CHECK_THROWS_AS((x * 2.0).requires_grad_(false), GraphError);
        CHECK_THROWS_AS(arange(3).to(Dtype::int64).requires_grad_(), DtypeError);
    }
}
