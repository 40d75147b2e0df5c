// Op table rows: permute, reshape, expand and pad, with the composites sampled through them.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

void add_shape_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(t, Op::permute, any,
            {{"permute [2, 3, 4] by (2, 0, 1)",
              {{2, 3, 4}},
              [](const Inputs& x) {
                  return permute(x[0], {2, 0, 1});
              }},
             {"transpose [2, 3]", {{2, 3}}, [](const Inputs& x) { return transpose(x[0], 0, 1); }},
             {"mT of [2, 3, 4]", {{2, 3, 4}}, [](const Inputs& x) { return mT(x[0]); }},
             {"permute [0, 2, 3] by (2, 0, 1)", {{0, 2, 3}}, [](const Inputs& x) {
                  return permute(x[0], {2, 0, 1});
              }}});
    add_row(
        t, Op::reshape, any,
        {{"reshape [2, 3] to [3, 2]",
          {{2, 3}},
          [](const Inputs& x) {
              return reshape(x[0], {3, 2});
          }},
         {"reshape [2, 3] to [-1]", {{2, 3}}, [](const Inputs& x) { return reshape(x[0], {-1}); }},
         {"rank 0 to [1, 1]",
          {{}},
          [](const Inputs& x) {
              return reshape(x[0], {1, 1});
          }},
         {"flatten [2, 1, 3] from dim 1",
          {{2, 1, 3}},
          [](const Inputs& x) { return flatten(x[0], 1); }},
         {"squeeze [2, 1, 3]", {{2, 1, 3}}, [](const Inputs& x) { return squeeze(x[0]); }},
         {"unsqueeze [2, 3] at -1", {{2, 3}}, [](const Inputs& x) { return unsqueeze(x[0], -1); }},
         {"reshape [0, 3] to [3, -1, 2]", {{0, 3}}, [](const Inputs& x) {
              return reshape(x[0], {3, -1, 2});
          }}});
    add_row(t, Op::expand, any,
            {{"[3] to [2, 3]",
              {{3}},
              [](const Inputs& x) {
                  return expand(x[0], {2, 3});
              }},
             {"[2, 1] to [2, 3]",
              {{2, 1}},
              [](const Inputs& x) {
                  return expand(x[0], {2, 3});
              }},
             {"rank 0 to [2, 2]",
              {{}},
              [](const Inputs& x) {
                  return broadcast_to(x[0], {2, 2});
              }},
             {"[1, 3] to [0, 3]",
              {{1, 3}},
              [](const Inputs& x) {
                  return expand(x[0], {0, 3});
              }},
             {"[0, 1] to [2, 0, 4]", {{0, 1}}, [](const Inputs& x) {
                  return expand(x[0], {2, 0, 4});
              }}});
    add_row(t, Op::pad, any,
            {{"[2, 3] last dim by (1, 2)",
              {{2, 3}},
              [](const Inputs& x) {
                  return pad(x[0], {1, 2});
              }},
             {"[2, 3] both dims by (1, 0, 2, 1), value 2.5",
              {{2, 3}},
              [](const Inputs& x) {
                  return pad(x[0], {1, 0, 2, 1}, 2.5);
              }},
             {"[2, 4] cropped by (-1, 0)",
              {{2, 4}},
              [](const Inputs& x) {
                  return pad(x[0], {-1, 0});
              }},
             {"[3, 4] mixed (-1, 2, 1, -2)",
              {{3, 4}},
              [](const Inputs& x) {
                  return pad(x[0], {-1, 2, 1, -2});
              }},
             {"[2, 3, 2] all three dims (1, 1, 0, 0, 2, -1)",
              {{2, 3, 2}},
              [](const Inputs& x) {
                  return pad(x[0], {1, 1, 0, 0, 2, -1});
              }},
             {"rank 0, no pads", {{}}, [](const Inputs& x) { return pad(x[0], {}); }},
             {"[2, 0] to [2, 2] by (1, 1)",
              {{2, 0}},
              [](const Inputs& x) {
                  return pad(x[0], {1, 1});
              }},
             {"[2, 3] cropped to [2, 0] by (0, -3)", {{2, 3}}, [](const Inputs& x) {
                  return pad(x[0], {0, -3});
              }}});
}

}  // namespace potatolemon::op_rows
