// Op table rows: slices, index_select/index_add (embedding among the samples), gather/scatter_add
// and concat.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

void add_index_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(
        t, Op::slice, any,
        {{"[4, 3] rows 1:3", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 0, 1, 3); }},
         {"[4, 3] columns ::2", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 1, 0, 3, 2); }},
         {"[4, 3] rows -2:", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 0, -2, 4); }},
         {"[4, 3] rows 2:2 (empty)",
          {{4, 3}},
          [](const Inputs& x) { return slice(x[0], 0, 2, 2); }},
         {"[0, 3] columns 1:", {{0, 3}}, [](const Inputs& x) { return slice(x[0], 1, 1, 3); }}});
    add_row(t, Op::slice_backward, any,
            {{"[2, 3] into rows 1:3 of [4, 3]",
              {{2, 3}},
              [](const Inputs& x) {
                  return slice_backward(x[0], {4, 3}, 0, 1, 3);
              }},
             {"[4, 2] into columns ::2 of [4, 3]",
              {{4, 2}},
              [](const Inputs& x) {
                  return slice_backward(x[0], {4, 3}, 1, 0, 3, 2);
              }},
             {"[0, 3] into rows 2:2 of [4, 3]", {{0, 3}}, [](const Inputs& x) {
                  return slice_backward(x[0], {4, 3}, 0, 2, 2);
              }}});
    add_row(t, Op::index_select, any,
            {{"rows (2, 0, 2) of [4, 3]",
              {{4, 3}},
              [](const Inputs& x) {
                  return index_select(x[0], 0, index_of({2, 0, 2}));
              }},
             {"column 1 of [4, 3]",
              {{4, 3}},
              [](const Inputs& x) { return index_select(x[0], 1, index_of({1})); }},
             {"embedding: [2, 3] indices with repeats into [4, 3]",
              {{4, 3}},
              [](const Inputs& x) {
                  return embedding(x[0], index_of({{3, 0, 3}, {1, 3, 0}}));
              }},
             {"embedding: rank-0 index into [4, 3]",
              {{4, 3}},
              [](const Inputs& x) { return embedding(x[0], scalar_tensor(2).to(Dtype::int64)); }},
             {"embedding: [0] indices into [4, 3] (zero-size)", {{4, 3}}, [](const Inputs& x) {
                  return embedding(x[0], zeros({0}, Dtype::int64));
              }}});
    add_row(t, Op::index_add, any,
            {{"[2, 3] added to rows (1, 1) of [4, 3]",
              {{4, 3}, {2, 3}},
              [](const Inputs& x) {
                  return index_add(x[0], 0, index_of({1, 1}), x[1]);
              }},
             {"[4, 2] added to columns (2, 0) of [4, 3]",
              {{4, 3}, {4, 2}},
              [](const Inputs& x) {
                  return index_add(x[0], 1, index_of({2, 0}), x[1]);
              }},
             {"[0, 3] added to no rows of [4, 3]", {{4, 3}, {0, 3}}, [](const Inputs& x) {
                  return index_add(x[0], 0, zeros({0}, Dtype::int64), x[1]);
              }}});
    add_row(t, Op::gather, any,
            {{"class scores: dim 1 of [3, 4]",
              {{3, 4}},
              [](const Inputs& x) {
                  return gather(x[0], 1, index_of({{0, 3}, {1, 1}, {2, 0}}));
              }},
             {"dim 0 of [3, 2]",
              {{3, 2}},
              [](const Inputs& x) {
                  return gather(x[0], 0, index_of({{2, 0}}));
              }},
             {"[3, 0] index into dim 1 of [3, 4]", {{3, 4}}, [](const Inputs& x) {
                  return gather(x[0], 1, zeros({3, 0}, Dtype::int64));
              }}});
    add_row(t, Op::scatter_add, any,
            {{"dim 1 of [3, 4] from [3, 2]",
              {{3, 4}, {3, 2}},
              [](const Inputs& x) {
                  return scatter_add(x[0], 1, index_of({{0, 3}, {1, 1}, {2, 0}}), x[1]);
              }},
             {"dim 1 of [3, 4] from [3, 0] (nothing added)", {{3, 4}, {3, 0}}, [](const Inputs& x) {
                  return scatter_add(x[0], 1, zeros({3, 0}, Dtype::int64), x[1]);
              }}});
    add_row(t, Op::concat, any,
            {{"[2, 3] and [1, 3] along 0",
              {{2, 3}, {1, 3}},
              [](const Inputs& x) {
                  return concat({x[0], x[1]}, 0);
              }},
             {"[2, 1], [2, 2] and [2, 1] along 1",
              {{2, 1}, {2, 2}, {2, 1}},
              [](const Inputs& x) {
                  return concat({x[0], x[1], x[2]}, 1);
              }},
             {"stack two [2, 3] along 2",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) {
                  return stack({x[0], x[1]}, 2);
              }},
             {"[0, 3] and [2, 3] along 0",
              {{0, 3}, {2, 3}},
              [](const Inputs& x) {
                  return concat({x[0], x[1]}, 0);
              }},
             {"[0] left out of [2, 3] and [1, 3] (PyTorch's legacy rule)",
              {{2, 3}, {0}, {1, 3}},
              [](const Inputs& x) {
                  return concat({x[0], x[1], x[2]}, 0);
              }}});
}

}  // namespace potatolemon::op_rows
