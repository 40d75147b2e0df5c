// Op table rows: where (masked_fill among its samples), maximum and minimum. Conditions and masks
// are fixed bool tensors built in the samples; the comparisons and argmax/argmin never record.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
// A bool tensor of `shape` from 0/1 values, row-major.
Tensor mask_of(std::vector<double> values, const Shape& shape) {
    return from_vector(values, shape, Dtype::boolean);
}

std::vector<OpSample> where_samples() {
    auto where_with = [](Tensor condition) {
        return [condition](const Inputs& x) { return where(condition, x[0], x[1]); };
    };
    auto fill_with = [](Tensor mask) {
        return [mask](const Inputs& x) { return masked_fill(x[0], mask, 0.5); };
    };
    return {
        {"condition, a and b [2, 3]",
         {{2, 3}, {2, 3}},
         where_with(mask_of({1, 0, 1, 0, 0, 1}, {2, 3}))},
        {"condition [3] broadcast over a, b [2, 3]",
         {{2, 3}, {2, 3}},
         where_with(mask_of({1, 0, 0}, {3}))},
        {"a [3] and b rank 0 broadcast to condition [2, 3]",
         {{3}, {}},
         where_with(mask_of({0, 1, 1, 1, 0, 0}, {2, 3}))},
        {"condition [2, 1], a [1, 3], b [3] (every way)",
         {{1, 3}, {3}},
         where_with(mask_of({1, 0}, {2, 1}))},
        {"rank 0", {{}, {}}, where_with(mask_of({1}, {}))},
        {"zero-size [0, 3] with b [3]", {{0, 3}, {3}}, where_with(mask_of({}, {0, 3}))},
        {"masked_fill [2, 3], mask [3]", {{2, 3}}, fill_with(mask_of({0, 1, 0}, {3}))},
        {"masked_fill [2, 3], mask [2, 1]", {{2, 3}}, fill_with(mask_of({1, 0}, {2, 1}))},
        {"masked_fill rank 0", {{}}, fill_with(mask_of({1}, {}))},
        {"masked_fill [3] broadcast to mask [2, 3] (as PyTorch)",
         {{3}},
         fill_with(mask_of({1, 0, 0, 0, 0, 1}, {2, 3}))},
    };
}

// Random inputs never tie; ties are built by passing the same values to both sides, which move
// together under the finite differences, so the half-gradient of each side sums to the 1 they
// measure. (Ties between independent inputs are a kink; test_ops_compare checks their values.)
std::vector<OpSample> extremum_samples(Tensor (*op)(const Tensor&, const Tensor&)) {
    std::vector<OpSample> out = binary_samples(op);
    out.push_back({"ties everywhere: op(x, x) [2, 3]", {{2, 3}}, [op](const Inputs& x) {
                       return op(x[0], x[0]);
                   }});
    out.push_back({"ties in row 0: op(x, x[0:1]) [2, 3] with [1, 3]",
                   {{2, 3}},
                   [op](const Inputs& x) { return op(x[0], slice(x[0], 0, 0, 1)); }});
    out.push_back({"zero-size [0, 3] with [3]", {{0, 3}, {3}}, [op](const Inputs& x) {
                       return op(x[0], x[1]);
                   }});
    return out;
}
}  // namespace

void add_compare_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(t, Op::where, any, where_samples());
    add_row(t, Op::maximum, any, extremum_samples(maximum));
    add_row(t, Op::minimum, any, extremum_samples(minimum));
}

}  // namespace potatolemon::op_rows
