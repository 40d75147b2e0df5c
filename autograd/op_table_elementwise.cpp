// Op table rows: arithmetic, activations, the loss primitives and dtype conversion.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

void add_elementwise_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(t, Op::add, any, binary_samples(add));
    add_row(t, Op::sub, any, binary_samples(sub));
    add_row(t, Op::mul, any, binary_samples(mul));
    add_row(t, Op::div, positive, binary_samples(div));
    auto affine_samples = unary_samples([](const Inputs& x) { return affine(x[0], -1.5, 0.25); });
    affine_samples.push_back({"scalar forms x + 2, 3 - x, x * 0.5", {{2, 3}}, [](const Inputs& x) {
                                  return (x[0] + 2.0) * (3.0 - x[0]) * 0.5 - 1.0;
                              }});
    add_row(t, Op::affine, any, affine_samples);
    add_row(t, Op::neg, any, unary_samples([](const Inputs& x) { return -x[0]; }));
    auto pow_samples = unary_samples([](const Inputs& x) { return pow(x[0], 3); });
    for (double p : {2.0, 0.5, -1.0, 0.0})
        pow_samples.push_back({"[2, 3] to the power " + std::to_string(p),
                               {{2, 3}},
                               [p](const Inputs& x) { return pow(x[0], p); }});
    add_row(t, Op::pow, positive, pow_samples);
    add_row(t, Op::exp, any, unary_samples([](const Inputs& x) { return exp(x[0]); }));
    add_row(t, Op::log, positive, unary_samples([](const Inputs& x) { return log(x[0]); }));
    add_row(t, Op::sqrt, positive, unary_samples([](const Inputs& x) { return sqrt(x[0]); }));
    add_row(t, Op::abs, away_from_kinks, unary_samples([](const Inputs& x) { return abs(x[0]); }));
    add_row(t, Op::tanh, any, unary_samples([](const Inputs& x) { return tanh(x[0]); }));
    add_row(t, Op::tanh_backward, any,
            {{"[2, 3] with [2, 3]",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) { return tanh_backward(x[0], x[1]); }},
             {"rank 0", {{}, {}}, [](const Inputs& x) { return tanh_backward(x[0], x[1]); }},
             {"[0, 3] with [0, 3]", {{0, 3}, {0, 3}}, [](const Inputs& x) {
                  return tanh_backward(x[0], x[1]);
              }}});
    add_row(t, Op::sigmoid_backward, any,
            {{"[2, 3] with [2, 3]",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) { return sigmoid_backward(x[0], x[1]); }},
             {"rank 0", {{}, {}}, [](const Inputs& x) { return sigmoid_backward(x[0], x[1]); }},
             {"[0, 3] with [0, 3]", {{0, 3}, {0, 3}}, [](const Inputs& x) {
                  return sigmoid_backward(x[0], x[1]);
              }}});
    add_row(t, Op::sigmoid, any, unary_samples([](const Inputs& x) { return sigmoid(x[0]); }));
    add_row(t, Op::relu, away_from_kinks,
            unary_samples([](const Inputs& x) { return relu(x[0]); }));
    add_row(t, Op::threshold_backward, away_from_kinks,
            {{"[2, 3] with [2, 3]",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) { return threshold_backward(x[0], x[1]); }},
             {"rank 0", {{}, {}}, [](const Inputs& x) { return threshold_backward(x[0], x[1]); }},
             {"[0, 3] with [0, 3]", {{0, 3}, {0, 3}}, [](const Inputs& x) {
                  return threshold_backward(x[0], x[1]);
              }}});
    add_row(t, Op::leaky_relu, away_from_kinks,
            unary_samples([](const Inputs& x) { return leaky_relu(x[0], 0.1); }));
    add_row(t, Op::clamp, away_from_kinks, unary_samples([](const Inputs& x) {
                return clamp(x[0], -0.1, 0.1) + clamp(x[0], -1, 3);
            }));
    auto softplus_samples = unary_samples([](const Inputs& x) { return softplus(x[0]); });
    softplus_samples.push_back(
        {"log_sigmoid [2, 3]", {{2, 3}}, [](const Inputs& x) { return log_sigmoid(x[0]); }});
    softplus_samples.push_back({"softplus of [2, 3] scaled by 20 (both tails)",
                                {{2, 3}},
                                [](const Inputs& x) { return softplus(x[0] * 20.0); }});
    add_row(t, Op::softplus, any, softplus_samples);
    add_row(t, Op::binary_cross_entropy, probability,
            {{"[4, 1] against [4, 1]",
              {{4, 1}, {4, 1}},
              [](const Inputs& x) { return binary_cross_entropy(x[0], x[1]); }},
             {"rank 0", {{}, {}}, [](const Inputs& x) { return binary_cross_entropy(x[0], x[1]); }},
             {"[2, 3], target a constant",
              {{2, 3}},
              [](const Inputs& x) {
                  return binary_cross_entropy(x[0], full({2, 3}, 0.25, Dtype::float64));
              }},
             {"[0, 2] against [0, 2]",
              {{0, 2}, {0, 2}},
              [](const Inputs& x) { return binary_cross_entropy(x[0], x[1]); }},
             {"[4, 1] against [4, 1], mean",
              {{4, 1}, {4, 1}},
              [](const Inputs& x) { return binary_cross_entropy(x[0], x[1], Reduction::mean); }},
             {"[2, 3] against [2, 3], sum",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) { return binary_cross_entropy(x[0], x[1], Reduction::sum); }},
             {"[0, 2] against [0, 2], sum", {{0, 2}, {0, 2}}, [](const Inputs& x) {
                  return binary_cross_entropy(x[0], x[1], Reduction::sum);
              }}});
    add_row(t, Op::binary_cross_entropy_backward, probability,
            {{"[4, 1] grad, input and target",
              {{4, 1}, {4, 1}, {4, 1}},
              [](const Inputs& x) { return binary_cross_entropy_backward(x[0], x[1], x[2]); }},
             {"rank 0",
              {{}, {}, {}},
              [](const Inputs& x) { return binary_cross_entropy_backward(x[0], x[1], x[2]); }},
             {"[0] grad, input and target",
              {{0}, {0}, {0}},
              [](const Inputs& x) { return binary_cross_entropy_backward(x[0], x[1], x[2]); }},
             {"rank-0 grad of the mean over [4, 1]",
              {{}, {4, 1}, {4, 1}},
              [](const Inputs& x) {
                  return binary_cross_entropy_backward(x[0], x[1], x[2], Reduction::mean);
              }},
             {"rank-0 grad of the sum over [2, 3]", {{}, {2, 3}, {2, 3}}, [](const Inputs& x) {
                  return binary_cross_entropy_backward(x[0], x[1], x[2], Reduction::sum);
              }}});
    add_row(t, Op::to_dtype, any,
            {{"float64 to float64 (clone)", {{2, 3}}, [](const Inputs& x) { return x[0].clone(); }},
             {"[0, 3] float64 to float32 and back", {{0, 3}}, [](const Inputs& x) {
                  return x[0].to(Dtype::float32).to(Dtype::float64);
              }}});
}

}  // namespace potatolemon::op_rows
