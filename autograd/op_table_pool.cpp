// Op table rows: max_pool2d, relu_max_pool2d, avg_pool2d and their backward primitives, over kernel
// sizes, strides, paddings, dilations, non-square windows, count_include_pad both ways, rank-3
// inputs and an empty batch. Max pooling draws distinct inputs, so no window has a tie.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
// Positions of the maxima of fixed data pooled by `call`, for max_pool2d_backward's samples.
Tensor pooled_indices(const Shape& shape, ValuesIndices (*call)(const Tensor&)) {
    Generator gen(3);
    return call(randn(shape, gen, Dtype::float64)).indices;
}
}  // namespace

void add_pool_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(
        t, Op::max_pool2d, distinct,
        {{"[1, 1, 4, 4] 2×2", {{1, 1, 4, 4}}, [](const Inputs& x) { return max_pool2d(x[0], 2); }},
         {"[2, 2, 5, 4] kernel (3, 2) stride (2, 1) padding (1, 0)",
          {{2, 2, 5, 4}},
          [](const Inputs& x) {
              return max_pool2d(x[0], {3, 2}, Size2{2, 1}, {1, 0});
          }},
         {"[1, 2, 5, 6] kernel 3 stride 1 padding 1 dilation (2, 1)",
          {{1, 2, 5, 6}},
          [](const Inputs& x) {
              return max_pool2d(x[0], 3, 1, 1, {2, 1});
          }},
         {"rank 3 [2, 4, 5] kernel 2 stride 1 (overlapping windows)",
          {{2, 4, 5}},
          [](const Inputs& x) { return max_pool2d(x[0], 2, 1); }},
         {"values of max_pool2d_with_indices, [1, 1, 3, 5] kernel (1, 3) stride 2",
          {{1, 1, 3, 5}},
          [](const Inputs& x) {
              return max_pool2d_with_indices(x[0], {1, 3}, 2).values;
          }},
         {"empty batch [0, 2, 4, 4]", {{0, 2, 4, 4}}, [](const Inputs& x) {
              return max_pool2d(x[0], 2);
          }}});
    Tensor overlapping = pooled_indices(
        {1, 2, 4, 5}, [](const Tensor& x) { return max_pool2d_with_indices(x, 3, 1, 1); });
    add_row(t, Op::max_pool2d_backward, any,
            {{"[1, 2, 4, 5] into [1, 2, 4, 5] (kernel 3, padding 1: repeated indices)",
              {{1, 2, 4, 5}},
              [overlapping](const Inputs& x) {
                  return max_pool2d_backward(x[0], overlapping, {1, 2, 4, 5});
              }},
             {"[1, 1, 2, 2] into [1, 1, 3, 3], two windows wholly in padding (index -1)",
              {{1, 1, 2, 2}},
              [](const Inputs& x) {
                  Tensor idx = reshape(tensor({-1, 3, 5, -1}), {1, 1, 2, 2}).to(Dtype::int64);
                  return max_pool2d_backward(x[0], idx, {1, 1, 3, 3});
              }},
             {"rank 3 [1, 2, 2] into [1, 3, 3]",
              {{1, 2, 2}},
              [](const Inputs& x) {
                  Tensor idx = reshape(tensor({0, 2, 2, 8}), {1, 2, 2}).to(Dtype::int64);
                  return max_pool2d_backward(x[0], idx, {1, 3, 3});
              }},
             {"empty batch [0, 2, 2, 2] into [0, 2, 4, 4]", {{0, 2, 2, 2}}, [](const Inputs& x) {
                  return max_pool2d_backward(x[0], zeros({0, 2, 2, 2}, Dtype::int64), {0, 2, 4, 4});
              }}});
    // Shifted off the grid's 0, relu's kink; the negative values all pool to a tied 0.
    add_row(t, Op::relu_max_pool2d, distinct,
            {{"[1, 2, 4, 4] 2×2",
              {{1, 2, 4, 4}},
              [](const Inputs& x) { return relu_max_pool2d(x[0] + 0.05, 2); }},
             {"[2, 1, 5, 7] 2×2 stride 2 (last row and column in no window)",
              {{2, 1, 5, 7}},
              [](const Inputs& x) { return relu_max_pool2d(x[0] + 0.05, 2, 2); }},
             {"rank 3 [3, 4, 6] 2×2",
              {{3, 4, 6}},
              [](const Inputs& x) { return relu_max_pool2d(x[0] + 0.05, 2); }},
             {"empty batch [0, 2, 4, 4]", {{0, 2, 4, 4}}, [](const Inputs& x) {
                  return relu_max_pool2d(x[0], 2);
              }}});
    add_row(
        t, Op::avg_pool2d, any,
        {{"[1, 1, 4, 4] 2×2", {{1, 1, 4, 4}}, [](const Inputs& x) { return avg_pool2d(x[0], 2); }},
         {"[2, 2, 5, 4] kernel (3, 2) stride (2, 1) padding (1, 0), excluding padding",
          {{2, 2, 5, 4}},
          [](const Inputs& x) {
              return avg_pool2d(x[0], {3, 2}, Size2{2, 1}, {1, 0}, false);
          }},
         {"[1, 1, 5, 5] kernel 3 stride 1 padding 1, counting padding",
          {{1, 1, 5, 5}},
          [](const Inputs& x) { return avg_pool2d(x[0], 3, 1, 1, true); }},
         {"rank 3 [2, 5, 5] kernel 3 stride 2 padding 1, excluding padding",
          {{2, 5, 5}},
          [](const Inputs& x) { return avg_pool2d(x[0], 3, 2, 1, false); }},
         {"empty batch [0, 1, 4, 4]", {{0, 1, 4, 4}}, [](const Inputs& x) {
              return avg_pool2d(x[0], 2);
          }}});
    add_row(t, Op::avg_pool2d_backward, any,
            {{"[1, 1, 2, 2] into [1, 1, 4, 4] 2×2",
              {{1, 1, 2, 2}},
              [](const Inputs& x) {
                  return avg_pool2d_backward(x[0], {1, 1, 4, 4}, 2, 2, 0, true);
              }},
             {"[2, 2, 3, 3] into [2, 2, 5, 4] kernel (3, 2) stride (2, 1) padding (1, 0), "
              "excluding padding",
              {{2, 2, 3, 3}},
              [](const Inputs& x) {
                  return avg_pool2d_backward(x[0], {2, 2, 5, 4}, {3, 2}, {2, 1}, {1, 0}, false);
              }},
             {"rank 3 [1, 5, 5] into [1, 5, 5] kernel 3 padding 1, counting padding",
              {{1, 5, 5}},
              [](const Inputs& x) {
                  return avg_pool2d_backward(x[0], {1, 5, 5}, 3, 1, 1, true);
              }},
             {"empty batch [0, 1, 2, 2] into [0, 1, 4, 4]", {{0, 1, 2, 2}}, [](const Inputs& x) {
                  return avg_pool2d_backward(x[0], {0, 1, 4, 4}, 2, 2, 0, true);
              }}});
}

}  // namespace potatolemon::op_rows
