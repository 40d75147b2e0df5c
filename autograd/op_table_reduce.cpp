// Op table rows: sum_to, sum, mean, max, min, var, std, logsumexp, softmax and log_softmax.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
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
    // Of nothing: the sum 0, the mean nan (the samples gradcheck the empty input's gradient).
    for (Dims dims : {Dims{}, Dims{0}, Dims{1}})
        out.push_back({"[0, 3] over dims " + std::to_string(dims.size()) + " from " +
                           (dims.empty() ? std::string("-") : std::to_string(dims[0])),
                       {{0, 3}},
                       [reduce, dims](const Inputs& x) { return reduce(x[0], dims, false); }});
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
    // Over dim 1 of [0, 3]: no rows, an empty result (dim 0, or all elements, PyTorch refuses).
    out.push_back(
        {"[0, 3] dim 1", {{0, 3}}, [pick](const Inputs& x) { return pick(x[0], 1, false); }});
    return out;
}

// var or std over all elements, each dim of [2, 3] with and without keepdim, dims that are not
// adjacent, corrections 0 to 2, and size-1 dims; std's rank 0 is 0 with gradient 0 by convention.
std::vector<OpSample> deviation_samples(bool is_std) {
    auto call = [is_std](const Tensor& x, Dims dims, double correction, bool keep) {
        return is_std ? std(x, dims, correction, keep) : var(x, dims, correction, keep);
    };
    std::vector<OpSample> out{
        {"all of [2, 3]", {{2, 3}}, [call](const Inputs& x) { return call(x[0], {}, 1, false); }},
        {"rank 0, correction 0",
         {{}},
         [call](const Inputs& x) { return call(x[0], {}, 0, false); }},
        {"rank 0 dim -1, keepdim, correction 0",
         {{}},
         [call](const Inputs& x) { return call(x[0], {-1}, 0, true); }},
        {"[2, 3, 2] dims 0 and 2 (not adjacent), correction 0",
         {{2, 3, 2}},
         [call](const Inputs& x) {
             return call(x[0], {0, 2}, 0, false);
         }},
        {"[2, 3, 2] dims -2 and -1, keepdim, correction 2",
         {{2, 3, 2}},
         [call](const Inputs& x) {
             return call(x[0], {-2, -1}, 2, true);
         }},
        {"[3, 1] dim 1 (size 1), correction 0",
         {{3, 1}},
         [call](const Inputs& x) { return call(x[0], {1}, 0, false); }},
        {"[0, 3] dim 1 (no rows)", {{0, 3}}, [call](const Inputs& x) {
             return call(x[0], {1}, 1, false);
         }}};
    for (std::int64_t d : {0, 1, -1})
        for (bool keep : {false, true})
            out.push_back({"[3, 4] dim " + std::to_string(d) + " keepdim " + std::to_string(keep),
                           {{3, 4}},
                           [call, d, keep](const Inputs& x) { return call(x[0], {d}, 1, keep); }});
    return out;
}

std::vector<OpSample> logsumexp_samples() {
    auto call = [](Dims dims, bool keep) {
        return [dims, keep](const Inputs& x) { return logsumexp(x[0], dims, keep); };
    };
    std::vector<OpSample> out{
        {"all of rank 0", {{}}, call({}, false)},
        {"rank 0 dim 0", {{}}, call({0}, false)},
        {"all of [2, 3]", {{2, 3}}, call({}, false)},
        {"[2, 3, 2] dims 0 and 2 (not adjacent)", {{2, 3, 2}}, call({0, 2}, false)},
        {"[2, 3, 2] dims 1 and 2, keepdim", {{2, 3, 2}}, call({1, 2}, true)},
        {"[0, 3] dim 1 (no rows)", {{0, 3}}, call({1}, false)}};
    for (std::int64_t d : {0, 1, -1})
        for (bool keep : {false, true})
            out.push_back({"[3, 4] dim " + std::to_string(d) + " keepdim " + std::to_string(keep),
                           {{3, 4}},
                           call({d}, keep)});
    return out;
}

std::vector<OpSample> softmax_samples(Tensor (*op)(const Tensor&, std::int64_t)) {
    std::vector<OpSample> out{{"[4] dim 0", {{4}}, [op](const Inputs& x) { return op(x[0], 0); }}};
    for (std::int64_t d : {0, 1, -1})
        out.push_back({"[2, 3] dim " + std::to_string(d), {{2, 3}}, [op, d](const Inputs& x) {
                           return op(x[0], d);
                       }});
    out.push_back({"[2, 3, 2] dim 1", {{2, 3, 2}}, [op](const Inputs& x) { return op(x[0], 1); }});
    out.push_back({"[0, 3] dim 1", {{0, 3}}, [op](const Inputs& x) { return op(x[0], 1); }});
    out.push_back({"[3, 0] dim 0", {{3, 0}}, [op](const Inputs& x) { return op(x[0], 0); }});
    return out;
}
}  // namespace

void add_reduce_rows(std::vector<OpInfo>& t) {
    using enum Domain;
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
             {"[2, 3] to rank 0", {{2, 3}}, [](const Inputs& x) { return sum_to(x[0], {}); }},
             {"[0, 3] to [1, 3] (sums of nothing: 0)", {{0, 3}}, [](const Inputs& x) {
                  return sum_to(x[0], {1, 3});
              }}});
    add_row(t, Op::sum, any, reduction_samples(false));
    add_row(t, Op::mean, any, reduction_samples(true));
    add_row(t, Op::max, distinct, extreme_samples(true));
    add_row(t, Op::min, distinct, extreme_samples(false));
    add_row(t, Op::var, any, deviation_samples(false));
    add_row(t, Op::std, any, deviation_samples(true));
    add_row(t, Op::logsumexp, any, logsumexp_samples());
    add_row(t, Op::softmax, any, softmax_samples(softmax));
    add_row(t, Op::log_softmax, any, softmax_samples(log_softmax));
}

}  // namespace potatolemon::op_rows
