// Op table rows: layer_norm and batch_norm (weight and bias present or not, each input rank,
// training with and without running stats, eval, zero-size batches) and norm_backward, their
// backward with batch statistics.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
std::vector<OpSample> layer_norm_samples() {
    return {
        {"[3, 4] over [4], weight and bias",
         {{3, 4}, {4}, {4}},
         [](const Inputs& x) { return layer_norm(x[0], {4}, x[1], x[2]); }},
        {"[2, 3, 4] over [3, 4], weight and bias",
         {{2, 3, 4}, {3, 4}, {3, 4}},
         [](const Inputs& x) {
             return layer_norm(x[0], {3, 4}, x[1], x[2]);
         }},
        {"[2, 3, 4] over [4], weight only",
         {{2, 3, 4}, {4}},
         [](const Inputs& x) { return layer_norm(x[0], {4}, x[1]); }},
        {"[2, 3, 4] over [4], bias only",
         {{2, 3, 4}, {4}},
         [](const Inputs& x) { return layer_norm(x[0], {4}, {}, x[1]); }},
        {"[5] over [5] (rank 1), no weight or bias",
         {{5}},
         [](const Inputs& x) { return layer_norm(x[0], {5}); }},
        {"[2, 3] over [3], eps 0.5",
         {{2, 3}, {3}, {3}},
         [](const Inputs& x) { return layer_norm(x[0], {3}, x[1], x[2], 0.5); }},
        {"[3, 1] over [1] (one value per group)",
         {{3, 1}, {1}, {1}},
         [](const Inputs& x) { return layer_norm(x[0], {1}, x[1], x[2]); }},
        {"[0, 4] over [4] (no rows)",
         {{0, 4}, {4}, {4}},
         [](const Inputs& x) { return layer_norm(x[0], {4}, x[1], x[2]); }},
    };
}

// Fresh running stats for each call: the in-place update must not leak between gradcheck's
// evaluations.
Tensor running_mean3() {
    return tensor({0.1, -0.2, 0.3}, Dtype::float64);
}
Tensor running_var3() {
    return tensor({0.5, 1.2, 2.0}, Dtype::float64);
}

std::vector<OpSample> batch_norm_samples() {
    auto train = [](const Inputs& x) { return batch_norm(x[0], {}, {}, x[1], x[2], true); };
    auto eval = [](const Inputs& x) {
        return batch_norm(x[0], running_mean3(), running_var3(), x[1], x[2], false);
    };
    return {
        {"[4, 3] training, weight and bias", {{4, 3}, {3}, {3}}, train},
        {"[4, 3] training, no weight or bias",
         {{4, 3}},
         [](const Inputs& x) { return batch_norm(x[0], {}, {}, {}, {}, true); }},
        {"[2, 3, 4] training, running stats updated, momentum 0.3",
         {{2, 3, 4}, {3}, {3}},
         [](const Inputs& x) {
             return batch_norm(x[0], running_mean3(), running_var3(), x[1], x[2], true, 0.3);
         }},
        {"[2, 3, 2, 2] training, weight and bias", {{2, 3, 2, 2}, {3}, {3}}, train},
        {"[2, 3, 2, 2] training, eps 0.5",
         {{2, 3, 2, 2}, {3}, {3}},
         [](const Inputs& x) { return batch_norm(x[0], {}, {}, x[1], x[2], true, 0.1, 0.5); }},
        {"[4, 3] eval, weight and bias", {{4, 3}, {3}, {3}}, eval},
        {"[2, 3, 2, 2] eval, weight and bias", {{2, 3, 2, 2}, {3}, {3}}, eval},
        {"[2, 3, 4] eval, weight only",
         {{2, 3, 4}, {3}},
         [](const Inputs& x) {
             return batch_norm(x[0], running_mean3(), running_var3(), x[1], {}, false);
         }},
        {"[3, 2] eval without running stats (batch statistics)",
         {{3, 2}, {2}, {2}},
         [](const Inputs& x) { return batch_norm(x[0], {}, {}, x[1], x[2], false); }},
        {"[1, 2, 3] training (3 values per channel)", {{1, 2, 3}, {2}, {2}}, train},
        {"[0, 3] training (empty batch)", {{0, 3}, {3}, {3}}, train},
        {"[2, 0, 3] training (no channels; PyTorch refuses weight or bias of none)",
         {{2, 0, 3}},
         [](const Inputs& x) { return batch_norm(x[0], {}, {}, {}, {}, true); }},
    };
}

std::vector<OpSample> norm_backward_samples() {
    auto call = [](std::int64_t begin, std::int64_t end, double eps = 1e-5) {
        return [=](const Inputs& x) { return norm_backward(x[0], x[1], begin, end, eps); };
    };
    return {
        {"[3, 4] groups by dim 0 (layer_norm's rows)", {{3, 4}, {3, 4}}, call(0, 1)},
        {"[4, 3] groups by dim 1 (batch_norm's channels)", {{4, 3}, {4, 3}}, call(1, 2)},
        {"[2, 3, 2, 2] groups by dim 1", {{2, 3, 2, 2}, {2, 3, 2, 2}}, call(1, 2)},
        {"[2, 2, 3] groups by dims 0 and 1", {{2, 2, 3}, {2, 2, 3}}, call(0, 2)},
        {"[5] one group", {{5}, {5}}, call(0, 0)},
        {"[2, 3] groups by dim 0, eps 0.5", {{2, 3}, {2, 3}}, call(0, 1, 0.5)},
        {"[0, 3] groups by dim 1 (empty groups)", {{0, 3}, {0, 3}}, call(1, 2)},
    };
}
}  // namespace

void add_norm_rows(std::vector<OpInfo>& t) {
    add_row(t, Op::layer_norm, Domain::any, layer_norm_samples());
    add_row(t, Op::batch_norm, Domain::any, batch_norm_samples());
    add_row(t, Op::norm_backward, Domain::any, norm_backward_samples());
}

}  // namespace potatolemon::op_rows
