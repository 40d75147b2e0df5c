// Walks the op table: every recordable op has a row, and every sample passes gradcheck and
// gradgradcheck in float64 against central finite differences.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "autograd/op_table.hpp"
#include "autograd/potatolemon.hpp"
#include "op_table_input.hpp"

using namespace potatolemon;
using potatolemon::test::sample_input;

namespace {

std::vector<Tensor> sample_inputs(const OpSample& sample, Domain domain, Generator& gen) {
    std::vector<Tensor> inputs;
    for (const Shape& shape : sample.shapes) inputs.push_back(sample_input(shape, domain, gen));
    return inputs;
}
}  // namespace

TEST_SUITE("op_table") {
    TEST_CASE("every op the tape can record has a row with samples") {
        const auto& table = op_table();
        REQUIRE(table.size() == static_cast<std::size_t>(Op::count));
        for (int i = 0; i < static_cast<int>(Op::count); ++i) {
            INFO("op ", std::string(op_name(static_cast<Op>(i))));
            CHECK(table[i].op == static_cast<Op>(i));
            CHECK(!table[i].samples.empty());
        }
    }

    // Zero-size inputs are where shape code divides by a size or a kernel assumes numel > 0. A
    // sample counts when an input or the output has a dim of size 0 (an empty index tensor in the
    // sample's closure gives an empty output); every op accepts some such input in PyTorch 1.13
    // (max over a dim that is not the empty one, pooling and convolution of an empty batch).
    TEST_CASE("every op has a zero-size sample") {
        Generator gen(3);
        for (const OpInfo& row : op_table()) {
            INFO("op ", std::string(op_name(row.op)));
            bool zero_size = false;
            for (const OpSample& sample : row.samples) {
                for (const Shape& shape : sample.shapes)
                    zero_size = zero_size || shape.numel() == 0;
                zero_size =
                    zero_size || sample.fn(sample_inputs(sample, row.domain, gen)).numel() == 0;
            }
            CHECK(zero_size);
        }
    }

    TEST_CASE("every sample records the op its row names") {
        Generator gen(7);
        for (const OpInfo& row : op_table())
            for (const OpSample& sample : row.samples) {
                INFO(std::string(op_name(row.op)), ": ", sample.label);
                std::vector<Tensor> inputs = sample_inputs(sample, row.domain, gen);
                Tensor out = sample.fn(inputs);
                REQUIRE(out.grad_fn() != nullptr);
                // Walk the recorded graph looking for the row's op.
                std::vector<Node*> stack{out.grad_fn()};
                bool found = false;
                while (!stack.empty() && !found) {
                    Node* node = stack.back();
                    stack.pop_back();
                    found = node->op == row.op;
                    for (const Tensor& in : node->inputs)
                        if (in.defined() && in.grad_fn()) stack.push_back(in.grad_fn());
                }
                CHECK(found);
            }
    }

    TEST_CASE("gradcheck: tape gradients match central differences for every sample") {
        Generator gen(1);
        for (const OpInfo& row : op_table())
            for (const OpSample& sample : row.samples) {
                INFO(std::string(op_name(row.op)), ": ", sample.label);
                GradcheckReport report =
                    gradcheck(sample.fn, sample_inputs(sample, row.domain, gen), row.tolerance);
                INFO(report.message);
                CHECK(report.passed);
            }
    }

    TEST_CASE("gradgradcheck: second derivatives match central differences for every sample") {
        Generator gen(2);
        for (const OpInfo& row : op_table())
            for (const OpSample& sample : row.samples) {
                INFO(std::string(op_name(row.op)), ": ", sample.label);
                GradcheckReport report =
                    gradgradcheck(sample.fn, sample_inputs(sample, row.domain, gen), row.tolerance);
                INFO(report.message);
                CHECK(report.passed);
            }
    }
}
