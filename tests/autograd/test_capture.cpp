// Capture and replay of every op-table sample: forward, a loss and backward captured once, then
// replayed on new input values, must equal an eager run on those values bit for bit (result, loss,
// every input gradient); an op whose kernels leave no replay record must be reported by the
// capture instead. Also the capture's own rules: host reads, constants changed in place, nesting.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "autograd/capture.hpp"
#include "autograd/op_table.hpp"
#include "autograd/potatolemon.hpp"
#include "op_table_input.hpp"

using namespace potatolemon;
using potatolemon::test::sample_input;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    if (a.defined() != b.defined()) return false;
    if (!a.defined()) return true;
    return a.shape() == b.shape() && a.dtype() == b.dtype() &&
           std::memcmp(a.impl()->data, b.impl()->data,
                       static_cast<std::size_t>(a.numel()) * dtype_size(a.dtype())) == 0;
}

Tensor loss_of(const Tensor& out) {
    return sum(out * out);
}

struct Outcome {
    bool captured = false;
    std::string failure;
};

// Captures fn on `inputs` (leaves), replays on `next` values copied into them, and compares with
// an eager run on `next`.
Outcome capture_and_compare(const TensorFn& fn, std::vector<Tensor>& inputs,
                            const std::vector<Tensor>& next) {
    Plan plan;
    Tensor out, loss;
    Outcome outcome;
    {
        CaptureSession session(plan);
        out = fn(inputs);
        loss = loss_of(out);
        loss.backward();
        session.check_read(loss, "the loss");
        for (const Tensor& x : inputs)
            if (x.grad().defined()) session.check_read(x.grad(), "a gradient");
        outcome.captured = session.ok();
        outcome.failure = session.failure();
    }
    if (!outcome.captured) return outcome;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        std::memcpy(inputs[i].impl()->data, next[i].impl()->data,
                    static_cast<std::size_t>(next[i].numel()) * sizeof(double));
    plan.replay();
    std::vector<Tensor> fresh;
    for (const Tensor& x : next) fresh.push_back(x.detach().clone().requires_grad_());
    Tensor out_eager = fn(fresh);
    Tensor loss_eager = loss_of(out_eager);
    loss_eager.backward();
    CHECK(same_bits(out, out_eager));
    CHECK(same_bits(loss, loss_eager));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        INFO("gradient of input ", i);
        CHECK(same_bits(inputs[i].grad(), fresh[i].grad()));
    }
    return outcome;
}
}  // namespace

TEST_SUITE("capture") {
    TEST_CASE("every op-table sample replays bitwise as eager on new values, or is reported") {
        Generator gen(11);
        std::vector<std::string> unsupported;
        int replayed = 0;
        for (const OpInfo& row : op_table())
            for (const OpSample& sample : row.samples) {
                const std::string name = std::string(op_name(row.op)) + ": " + sample.label;
                INFO(name);
                std::vector<Tensor> inputs, next;
                for (const Shape& shape : sample.shapes) {
                    inputs.push_back(sample_input(shape, row.domain, gen));
                    next.push_back(sample_input(shape, row.domain, gen));
                }
                Outcome outcome = capture_and_compare(sample.fn, inputs, next);
                if (outcome.captured)
                    ++replayed;
                else
                    unsupported.push_back(name + " (" + outcome.failure + ")");
            }
        std::string list;
        for (const std::string& u : unsupported) list += "\n  " + u;
        MESSAGE(replayed, " samples replayed; not replayable (eager fallback):", list);
        CHECK(replayed > 0);
    }

    TEST_CASE("a host read, a constant changed in place and a nested capture are refused") {
        Plan plan;
        {
            CaptureSession session(plan);
            Tensor x = ones(Shape{3});
            CHECK(session.ok());
            (void)sum(x).item();
            CHECK_FALSE(session.ok());
            CHECK(session.failure().find("item") != std::string::npos);
            CHECK_THROWS_AS(CaptureSession{plan}, GraphError);
        }
        Plan second;
        {
            CaptureSession session(second);
            Tensor c = zeros(Shape{2});
            c.data<float>()[1] = 5;  // a write no record describes
            (void)exp(c);
            CHECK_FALSE(session.ok());
            CHECK(session.failure().find("changed in place") != std::string::npos);
        }
        Plan third;
        {
            CaptureSession session(third);
            Tensor e = empty(Shape{2});
            std::fill_n(e.data<float>(), 2, 1.0f);
            (void)exp(e);
            CHECK(session.failure().find("no replay record") != std::string::npos);
        }
    }
}  // TEST_SUITE
