// Op table rows: GELU (both forms), SiLU, ELU, their backward primitives, and dropout.
#include <cstdint>

#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
// A unary op on unary_samples' shapes, a zero-size tensor and a [2, 3] scaled by 20 (|x| up to 40:
// both saturated tails).
std::vector<OpSample> activation_samples(TensorFn call) {
    std::vector<OpSample> samples = unary_samples(call);
    samples.push_back({"[2, 0] (zero-size)", {{2, 0}}, call});
    samples.push_back({"[2, 3] scaled by 20 (tails)", {{2, 3}}, [call](const Inputs& x) {
                           return call({x[0] * 20.0});
                       }});
    return samples;
}

// A backward primitive (grad, x) on equal shapes, rank 0 and zero-size.
std::vector<OpSample> backward_samples(TensorFn call) {
    return {{"[2, 3] with [2, 3]", {{2, 3}, {2, 3}}, call},
            {"rank 0", {{}, {}}, call},
            {"[1, 3, 1] (size-1 dims)",
             {{1, 3, 1}},
             [call](const Inputs& x) {
                 return call({x[0], x[0] * 0.5});  // grad and x one tensor: both paths at once
             }},
            {"[0, 2] (zero-size)", {{0, 2}, {0, 2}}, call}};
}

// Dropout of x with a generator seeded afresh on every call, so that the finite differences of
// gradcheck see the mask the tape saw.
TensorFn dropout_call(double p, std::uint64_t seed) {
    return [p, seed](const Inputs& x) {
        Generator gen(seed);
        return dropout(x[0], p, true, gen);
    };
}
}  // namespace

void add_activation_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    std::vector<OpSample> gelu_samples =
        activation_samples([](const Inputs& x) { return gelu(x[0]); });
    for (OpSample& s : activation_samples([](const Inputs& x) { return gelu(x[0], "tanh"); })) {
        s.label = "tanh form " + s.label;
        gelu_samples.push_back(s);
    }
    add_row(t, Op::gelu, any, gelu_samples);
    std::vector<OpSample> gelu_backward_samples =
        backward_samples([](const Inputs& x) { return gelu_backward(x[0], x[1]); });
    for (OpSample& s :
         backward_samples([](const Inputs& x) { return gelu_backward(x[0], x[1], "tanh"); })) {
        s.label = "tanh form " + s.label;
        gelu_backward_samples.push_back(s);
    }
    add_row(t, Op::gelu_backward, any, gelu_backward_samples);

    add_row(t, Op::silu, any, activation_samples([](const Inputs& x) { return silu(x[0]); }));
    add_row(t, Op::silu_backward, any,
            backward_samples([](const Inputs& x) { return silu_backward(x[0], x[1]); }));

    // ELU has a kink at 0 for alpha != 1 (and elu'' jumps there for every alpha).
    std::vector<OpSample> elu_samples =
        activation_samples([](const Inputs& x) { return elu(x[0]); });
    std::vector<OpSample> elu_backward_samples =
        backward_samples([](const Inputs& x) { return elu_backward(x[0], x[1]); });
    for (double alpha : {0.5, 2.0, -1.0}) {
        std::string label = "alpha " + std::to_string(alpha) + " on [2, 3]";
        elu_samples.push_back(
            {label, {{2, 3}}, [alpha](const Inputs& x) { return elu(x[0], alpha); }});
        elu_backward_samples.push_back({label, {{2, 3}, {2, 3}}, [alpha](const Inputs& x) {
                                            return elu_backward(x[0], x[1], alpha);
                                        }});
    }
    add_row(t, Op::elu, away_from_kinks, elu_samples);
    add_row(t, Op::elu_backward, away_from_kinks, elu_backward_samples);

    std::vector<OpSample> dropout_samples = unary_samples(dropout_call(0.5, 11));
    dropout_samples.push_back({"p = 0.2 on [4, 5]", {{4, 5}}, dropout_call(0.2, 12)});
    dropout_samples.push_back({"p = 0.9 on [4, 5]", {{4, 5}}, dropout_call(0.9, 13)});
    dropout_samples.push_back({"p = 0.5 on [3, 0] (zero-size)", {{3, 0}}, dropout_call(0.5, 14)});
    dropout_samples.push_back({"p = 1: zeros, zero gradient", {{2, 3}}, dropout_call(1, 15)});
    // p = 0 and eval mode return x itself and record nothing, so a p = 0.5 dropout rides along to
    // give the sample an entry of the row's op.
    dropout_samples.push_back({"p = 0 and eval mode (identity) plus p = 0.5",
                               {{2, 3}},
                               [half = dropout_call(0.5, 16)](const Inputs& x) {
                                   return dropout(x[0], 0, true) + dropout(x[0], 0.7, false) +
                                          half(x);
                               }});
    add_row(t, Op::dropout, any, dropout_samples);
}

}  // namespace potatolemon::op_rows
