// The op table (op_table.hpp): the shared sample builders and the table itself, one family of rows
// at a time from the op_table_<family>.cpp files.
#include "autograd/op_table.hpp"

#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon {

namespace op_rows {

void add_row(std::vector<OpInfo>& table, Op op, Domain domain, std::vector<OpSample> samples) {
    OpInfo& row = table[static_cast<int>(op)];
    row.op = op;
    row.domain = domain;
    row.samples = std::move(samples);
}

Tensor index_of(std::initializer_list<double> values) {
    return tensor(values).to(Dtype::int64);
}
Tensor index_of(std::initializer_list<std::initializer_list<double>> rows) {
    return tensor(rows).to(Dtype::int64);
}

// Samples of a binary op over the broadcasting cases.
std::vector<OpSample> binary_samples(Tensor (*op)(const Tensor&, const Tensor&)) {
    auto call = [op](const Inputs& x) { return op(x[0], x[1]); };
    return {{"[2, 3] with [2, 3]", {{2, 3}, {2, 3}}, call},
            {"[2, 3] with [3] (broadcast right)", {{2, 3}, {3}}, call},
            {"[3] with [2, 3] (broadcast left)", {{3}, {2, 3}}, call},
            {"[2, 1] with [1, 3] (both ways)", {{2, 1}, {1, 3}}, call},
            {"rank 0 with [2, 2]", {{}, {2, 2}}, call},
            {"[2, 1, 3] with rank 0", {{2, 1, 3}, {}}, call},
            {"rank 0 with rank 0", {{}, {}}, call},
            {"[0, 3] with [3] (empty, broadcast)", {{0, 3}, {3}}, call},
            {"[2, 1] with [1, 0] (broadcast to empty)", {{2, 1}, {1, 0}}, call}};
}

std::vector<OpSample> unary_samples(TensorFn call) {
    return {{"rank 0", {{}}, call},
            {"[4]", {{4}}, call},
            {"[2, 3]", {{2, 3}}, call},
            {"[1, 3, 1] (size-1 dims)", {{1, 3, 1}}, call},
            {"[2, 0] (empty)", {{2, 0}}, call}};
}

}  // namespace op_rows

const std::vector<OpInfo>& op_table() {
    static const std::vector<OpInfo> table = [] {
        std::vector<OpInfo> t(static_cast<int>(Op::count));
        op_rows::add_elementwise_rows(t);
        op_rows::add_matmul_rows(t);
        op_rows::add_shape_rows(t);
        op_rows::add_reduce_rows(t);
        op_rows::add_index_rows(t);
        op_rows::add_compare_rows(t);
        op_rows::add_pool_rows(t);
        op_rows::add_norm_rows(t);
        op_rows::add_activation_rows(t);
        op_rows::add_conv_rows(t);
        return t;
    }();
    return table;
}

}  // namespace potatolemon
