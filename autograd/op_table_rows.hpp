// What the op table's family files share (op_table_<family>.cpp): the sample builders every family
// uses and one `add_<family>_rows` per family, which op_table.cpp calls in turn. Not a public API.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "autograd/op_table.hpp"

namespace potatolemon::op_rows {

using Inputs = std::vector<Tensor>;
using Dims = std::vector<std::int64_t>;

// Fills row `op` of the table.
void add_row(std::vector<OpInfo>& table, Op op, Domain domain, std::vector<OpSample> samples);

// An int64 index tensor from literal values (1-D or 2-D).
Tensor index_of(std::initializer_list<double> values);
Tensor index_of(std::initializer_list<std::initializer_list<double>> rows);

// A unary op on rank 0, [4], [2, 3], [1, 3, 1] and [2, 0].
std::vector<OpSample> unary_samples(TensorFn call);
// A binary op over the broadcasting cases (same shape, either side broadcast, both, rank 0,
// empty).
std::vector<OpSample> binary_samples(Tensor (*op)(const Tensor&, const Tensor&));

void add_elementwise_rows(std::vector<OpInfo>& table);
void add_matmul_rows(std::vector<OpInfo>& table);
void add_shape_rows(std::vector<OpInfo>& table);
void add_reduce_rows(std::vector<OpInfo>& table);
void add_index_rows(std::vector<OpInfo>& table);
void add_compare_rows(std::vector<OpInfo>& table);
void add_pool_rows(std::vector<OpInfo>& table);
void add_norm_rows(std::vector<OpInfo>& table);
void add_activation_rows(std::vector<OpInfo>& table);
void add_conv_rows(std::vector<OpInfo>& table);

}  // namespace potatolemon::op_rows
