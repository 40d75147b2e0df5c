// Op table rows: matmul (each transposed form) and linear.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
std::vector<OpSample> matmul_samples() {
    auto mm = [](const Inputs& x) { return matmul(x[0], x[1]); };
    return {
        {"[2, 3] @ [3, 4]", {{2, 3}, {3, 4}}, mm},
        {"[3] @ [3] (dot)", {{3}, {3}}, mm},
        {"[3] @ [3, 2]", {{3}, {3, 2}}, mm},
        {"[2, 3] @ [3]", {{2, 3}, {3}}, mm},
        {"[2, 2, 3] @ [3, 4] (batch broadcast)", {{2, 2, 3}, {3, 4}}, mm},
        {"[1, 2, 3] @ [2, 3, 2] (batch broadcast)", {{1, 2, 3}, {2, 3, 2}}, mm},
        {"[2, 3] @ [4, 3]ᵀ",
         {{2, 3}, {4, 3}},
         [](const Inputs& x) { return matmul(x[0], x[1], false, true); }},
        {"[3, 2]ᵀ @ [3, 4]",
         {{3, 2}, {3, 4}},
         [](const Inputs& x) { return matmul(x[0], x[1], true, false); }},
        {"[3, 2]ᵀ @ [4, 3]ᵀ",
         {{3, 2}, {4, 3}},
         [](const Inputs& x) { return matmul(x[0], x[1], true, true); }},
        {"[2, 0] @ [0, 3] (k = 0: zeros)", {{2, 0}, {0, 3}}, mm},
        {"[0, 3] @ [3, 2] (no rows)", {{0, 3}, {3, 2}}, mm},
        {"[0, 2, 3] @ [1, 3, 2] (empty batch)", {{0, 2, 3}, {1, 3, 2}}, mm},
        {"[0] @ [0] (dot of nothing: 0)", {{0}, {0}}, mm},
        {"[0, 2]ᵀ @ [3, 0]ᵀ (k = 0)",
         {{0, 2}, {3, 0}},
         [](const Inputs& x) { return matmul(x[0], x[1], true, true); }},
    };
}
}  // namespace

void add_matmul_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(t, Op::matmul, any, matmul_samples());
    auto lin = [](const Inputs& x) { return linear(x[0], x[1], x[2]); };
    add_row(t, Op::linear, any,
            {{"[2, 3] with weight [4, 3], bias [4]", {{2, 3}, {4, 3}, {4}}, lin},
             {"[3] with weight [2, 3], bias [2]", {{3}, {2, 3}, {2}}, lin},
             {"[2, 2, 3] with weight [1, 3], bias [1]", {{2, 2, 3}, {1, 3}, {1}}, lin},
             {"[2, 3] with weight [4, 3], no bias",
              {{2, 3}, {4, 3}},
              [](const Inputs& x) { return linear(x[0], x[1]); }},
             {"[4, 3, 0] with weight [2, 0], bias [2] (k = 0: the bias)",
              {{4, 3, 0}, {2, 0}, {2}},
              lin},
             {"[0, 3] with weight [2, 3], bias [2] (no rows)", {{0, 3}, {2, 3}, {2}}, lin},
             {"[2, 3] with weight [0, 3], bias [0] (no outputs)", {{2, 3}, {0, 3}, {0}}, lin}});
}

}  // namespace potatolemon::op_rows
