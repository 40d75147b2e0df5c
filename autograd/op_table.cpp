#include "autograd/op_table.hpp"

#include "autograd/potatolemon.hpp"

namespace potatolemon {

namespace {
using Inputs = std::vector<Tensor>;
using Dims = std::vector<std::int64_t>;

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
            {"rank 0 with rank 0", {{}, {}}, call}};
}

std::vector<OpSample> unary_samples(TensorFn call) {
    return {{"rank 0", {{}}, call},
            {"[4]", {{4}}, call},
            {"[2, 3]", {{2, 3}}, call},
            {"[1, 3, 1] (size-1 dims)", {{1, 3, 1}}, call}};
}

// sum (or mean) of all elements and over each dim of [2, 3] and [2, 3, 2], with and without
// keepdim.
std::vector<OpSample> reduction_samples(bool is_mean) {
    auto reduce = [is_mean](const Tensor& x, Dims dims, bool keep) {
        return is_mean ? mean(x, dims, keep) : sum(x, dims, keep);
    };
    std::vector<OpSample> out{
        {"all of rank 0", {{}}, [reduce](const Inputs& x) { return reduce(x[0], {}, false); }},
        {"all of [2, 3]", {{2, 3}}, [is_mean](const Inputs& x) {
             return is_mean ? mean(x[0]) : sum(x[0]);
         }}};
    for (Dims dims : {Dims{0}, Dims{1}, Dims{-1}, Dims{0, 1}})
        for (bool keep : {false, true})
            out.push_back(
                {"dims of [2, 3], keepdim " + std::to_string(keep) + ", dims " +
                     std::to_string(dims[0]) + (dims.size() > 1 ? "+" : ""),
                 {{2, 3}},
                 [reduce, dims, keep](const Inputs& x) { return reduce(x[0], dims, keep); }});
    for (Dims dims : {Dims{1}, Dims{0, 2}, Dims{2}})
        for (bool keep : {false, true})
            out.push_back(
                {"[2, 3, 2] over " + std::to_string(dims.size()) + " dims from " +
                     std::to_string(dims[0]) + ", keepdim " + std::to_string(keep),
                 {{2, 3, 2}},
                 [reduce, dims, keep](const Inputs& x) { return reduce(x[0], dims, keep); }});
    return out;
}

std::vector<OpSample> extreme_samples(bool is_max) {
    auto pick = [is_max](const Tensor& x, std::int64_t d, bool keep) {
        return is_max ? max(x, d, keep).values : min(x, d, keep).values;
    };
    std::vector<OpSample> out{{"all of [3, 4]", {{3, 4}}, [is_max](const Inputs& x) {
                                   return is_max ? max(x[0]) : min(x[0]);
                               }}};
    for (std::int64_t d : {0, 1, -1})
        for (bool keep : {false, true})
            out.push_back({"dim " + std::to_string(d) + " keepdim " + std::to_string(keep),
                           {{3, 4}},
                           [pick, d, keep](const Inputs& x) { return pick(x[0], d, keep); }});
    out.push_back(
        {"[2, 3, 2] dim 1", {{2, 3, 2}}, [pick](const Inputs& x) { return pick(x[0], 1, false); }});
    return out;
}

std::vector<OpSample> softmax_samples(Tensor (*op)(const Tensor&, std::int64_t)) {
    std::vector<OpSample> out{{"[4] dim 0", {{4}}, [op](const Inputs& x) { return op(x[0], 0); }}};
    for (std::int64_t d : {0, 1, -1})
        out.push_back({"[2, 3] dim " + std::to_string(d), {{2, 3}}, [op, d](const Inputs& x) {
                           return op(x[0], d);
                       }});
    out.push_back({"[2, 3, 2] dim 1", {{2, 3, 2}}, [op](const Inputs& x) { return op(x[0], 1); }});
    return out;
}

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
    };
}

void add_row(std::vector<OpInfo>& table, Op op, Domain domain, std::vector<OpSample> samples) {
    OpInfo& row = table[static_cast<int>(op)];
    row.op = op;
    row.domain = domain;
    row.samples = std::move(samples);
}

std::vector<OpInfo> build_table();
}  // namespace

const std::vector<OpInfo>& op_table() {
    static const std::vector<OpInfo> table = build_table();
    return table;
}

namespace {
std::vector<OpInfo> build_table() {
    std::vector<OpInfo> t(static_cast<int>(Op::count));
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
             {"rank 0", {{}, {}}, [](const Inputs& x) { return tanh_backward(x[0], x[1]); }}});
    add_row(t, Op::sigmoid_backward, any,
            {{"[2, 3] with [2, 3]",
              {{2, 3}, {2, 3}},
              [](const Inputs& x) { return sigmoid_backward(x[0], x[1]); }},
             {"rank 0", {{}, {}}, [](const Inputs& x) { return sigmoid_backward(x[0], x[1]); }}});
    add_row(t, Op::sigmoid, any, unary_samples([](const Inputs& x) { return sigmoid(x[0]); }));
    add_row(t, Op::relu, away_from_kinks,
            unary_samples([](const Inputs& x) { return relu(x[0]); }));
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
             {"[2, 3], target a constant", {{2, 3}}, [](const Inputs& x) {
                  return binary_cross_entropy(x[0], full({2, 3}, 0.25, Dtype::float64));
              }}});
    add_row(t, Op::binary_cross_entropy_backward, probability,
            {{"[4, 1] grad, input and target",
              {{4, 1}, {4, 1}, {4, 1}},
              [](const Inputs& x) { return binary_cross_entropy_backward(x[0], x[1], x[2]); }},
             {"rank 0", {{}, {}, {}}, [](const Inputs& x) {
                  return binary_cross_entropy_backward(x[0], x[1], x[2]);
              }}});
    add_row(t, Op::matmul, any, matmul_samples());
    auto lin = [](const Inputs& x) { return linear(x[0], x[1], x[2]); };
    add_row(t, Op::linear, any,
            {{"[2, 3] with weight [4, 3], bias [4]", {{2, 3}, {4, 3}, {4}}, lin},
             {"[3] with weight [2, 3], bias [2]", {{3}, {2, 3}, {2}}, lin},
             {"[2, 2, 3] with weight [1, 3], bias [1]", {{2, 2, 3}, {1, 3}, {1}}, lin},
             {"[2, 3] with weight [4, 3], no bias", {{2, 3}, {4, 3}}, [](const Inputs& x) {
                  return linear(x[0], x[1]);
              }}});
    add_row(t, Op::permute, any,
            {{"permute [2, 3, 4] by (2, 0, 1)",
              {{2, 3, 4}},
              [](const Inputs& x) {
                  return permute(x[0], {2, 0, 1});
              }},
             {"transpose [2, 3]", {{2, 3}}, [](const Inputs& x) { return transpose(x[0], 0, 1); }},
             {"mT of [2, 3, 4]", {{2, 3, 4}}, [](const Inputs& x) { return mT(x[0]); }}});
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
         {"unsqueeze [2, 3] at -1", {{2, 3}}, [](const Inputs& x) {
              return unsqueeze(x[0], -1);
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
             {"rank 0 to [2, 2]", {{}}, [](const Inputs& x) {
                  return broadcast_to(x[0], {2, 2});
              }}});
    add_row(t, Op::sum_to, any,
            {{"[2, 3] to [3]", {{2, 3}}, [](const Inputs& x) { return sum_to(x[0], {3}); }},
             {"[2, 3] to [2, 1]",
              {{2, 3}},
              [](const Inputs& x) {
                  return sum_to(x[0], {2, 1});
              }},
             {"[2, 3, 4] to [3, 1]",
              {{2, 3, 4}},
              [](const Inputs& x) {
                  return sum_to(x[0], {3, 1});
              }},
             {"[2, 3] to rank 0", {{2, 3}}, [](const Inputs& x) { return sum_to(x[0], {}); }}});
    add_row(t, Op::sum, any, reduction_samples(false));
    add_row(t, Op::mean, any, reduction_samples(true));
    add_row(t, Op::max, distinct, extreme_samples(true));
    add_row(t, Op::min, distinct, extreme_samples(false));
    add_row(t, Op::softmax, any, softmax_samples(softmax));
    add_row(t, Op::log_softmax, any, softmax_samples(log_softmax));
    add_row(
        t, Op::slice, any,
        {{"[4, 3] rows 1:3", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 0, 1, 3); }},
         {"[4, 3] columns ::2", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 1, 0, 3, 2); }},
         {"[4, 3] rows -2:", {{4, 3}}, [](const Inputs& x) { return slice(x[0], 0, -2, 4); }}});
    add_row(t, Op::slice_backward, any,
            {{"[2, 3] into rows 1:3 of [4, 3]",
              {{2, 3}},
              [](const Inputs& x) {
                  return slice_backward(x[0], {4, 3}, 0, 1, 3);
              }},
             {"[4, 2] into columns ::2 of [4, 3]", {{4, 2}}, [](const Inputs& x) {
                  return slice_backward(x[0], {4, 3}, 1, 0, 3, 2);
              }}});
    add_row(t, Op::index_select, any,
            {{"rows (2, 0, 2) of [4, 3]",
              {{4, 3}},
              [](const Inputs& x) {
                  return index_select(x[0], 0, index_of({2, 0, 2}));
              }},
             {"column 1 of [4, 3]", {{4, 3}}, [](const Inputs& x) {
                  return index_select(x[0], 1, index_of({1}));
              }}});
    add_row(t, Op::index_add, any,
            {{"[2, 3] added to rows (1, 1) of [4, 3]",
              {{4, 3}, {2, 3}},
              [](const Inputs& x) {
                  return index_add(x[0], 0, index_of({1, 1}), x[1]);
              }},
             {"[4, 2] added to columns (2, 0) of [4, 3]", {{4, 3}, {4, 2}}, [](const Inputs& x) {
                  return index_add(x[0], 1, index_of({2, 0}), x[1]);
              }}});
    add_row(t, Op::gather, any,
            {{"class scores: dim 1 of [3, 4]",
              {{3, 4}},
              [](const Inputs& x) {
                  return gather(x[0], 1, index_of({{0, 3}, {1, 1}, {2, 0}}));
              }},
             {"dim 0 of [3, 2]", {{3, 2}}, [](const Inputs& x) {
                  return gather(x[0], 0, index_of({{2, 0}}));
              }}});
    add_row(t, Op::scatter_add, any,
            {{"dim 1 of [3, 4] from [3, 2]", {{3, 4}, {3, 2}}, [](const Inputs& x) {
                  return scatter_add(x[0], 1, index_of({{0, 3}, {1, 1}, {2, 0}}), x[1]);
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
             {"stack two [2, 3] along 2", {{2, 3}, {2, 3}}, [](const Inputs& x) {
                  return stack({x[0], x[1]}, 2);
              }}});
    add_row(
        t, Op::to_dtype, any,
        {{"float64 to float64 (clone)", {{2, 3}}, [](const Inputs& x) { return x[0].clone(); }}});
    return t;
}
}  // namespace

}  // namespace potatolemon
