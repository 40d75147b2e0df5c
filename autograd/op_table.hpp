// The op table: one row per recordable op (op.hpp) with what testing it needs — sample calls over
// several shapes (rank 0, size-1 dims, broadcasting both ways, each reduced dim with and without
// keepdim), the input domain and tolerance overrides. Composite ops (mean, flatten, stack, linear,
// ...) appear as samples of the primitive they record. tests/autograd/test_op_table.cpp gradchecks
// and gradgradchecks every sample and fails for an op without a row.
#pragma once
#include <string>
#include <vector>

#include "autograd/gradcheck.hpp"
#include "autograd/op.hpp"

namespace potatolemon {

// Where sample inputs are drawn from.
enum class Domain {
    any,              // uniform in [-2, 2]
    positive,         // uniform in [0.5, 2]: log, sqrt, fractional powers, denominators
    away_from_kinks,  // |x| in [0.2, 2], random sign: abs, relu, clamp at ±0.1
    distinct,         // a shuffled grid with spacing 0.1: max and min have no ties
    probability,      // uniform in [0.05, 0.95]: binary cross-entropy's inputs and targets
};

struct OpSample {
    std::string label;          // e.g. "[2, 3] + [3] (broadcast right)"
    std::vector<Shape> shapes;  // one float64 input of each shape, all requiring grad
    TensorFn fn;
};

struct OpInfo {
    Op op = Op::count;  // Op::count marks a missing row
    Domain domain = Domain::any;
    GradcheckOptions tolerance{};
    const char* tolerance_reason = "";  // why the tolerance differs from the default, if it does
    std::vector<OpSample> samples;
};

// Indexed by Op: op_table()[int(op)].op == op for every op that has a row.
const std::vector<OpInfo>& op_table();

}  // namespace potatolemon
