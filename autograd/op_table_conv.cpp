// Op table rows: conv2d (conv1d among its samples) and its three backward primitives, over one list
// of geometries covering stride, padding, dilation, groups, non-square kernels, batch 1, 1×1
// kernels, input rows no window reaches, an empty batch and no input channels.
#include "autograd/op_table_rows.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::op_rows {

namespace {
struct ConvCase {
    std::string label;
    Shape input, weight;
    Size2 stride = 1, padding = 0, dilation = 1;
    std::int64_t groups = 1;
};

std::vector<ConvCase> conv_cases() {
    return {
        {"[2, 2, 4, 4] ⋆ [3, 2, 3, 3]", {2, 2, 4, 4}, {3, 2, 3, 3}},
        {"[1, 2, 5, 4] ⋆ [2, 2, 2, 3], stride (2, 1), padding (1, 0)",
         {1, 2, 5, 4},
         {2, 2, 2, 3},
         {2, 1},
         {1, 0}},
        {"[1, 1, 5, 5] ⋆ [2, 1, 2, 2], dilation 2, padding (0, 1)",
         {1, 1, 5, 5},
         {2, 1, 2, 2},
         1,
         {0, 1},
         2},
        {"[2, 4, 3, 3] ⋆ [4, 2, 2, 2], groups 2, padding 1",
         {2, 4, 3, 3},
         {4, 2, 2, 2},
         1,
         1,
         1,
         2},
        {"[1, 1, 5, 5] ⋆ [1, 1, 2, 2], stride 2 (last row and column unread)",
         {1, 1, 5, 5},
         {1, 1, 2, 2},
         2},
        {"[2, 3, 2, 3] ⋆ [2, 3, 1, 1] (1×1 kernel)", {2, 3, 2, 3}, {2, 3, 1, 1}},
        {"[1, 8, 3, 3] ⋆ [2, 8, 2, 2], padding 1 (8 channels: the direct input gradient)",
         {1, 8, 3, 3},
         {2, 8, 2, 2},
         1,
         1},
        {"[0, 2, 4, 4] ⋆ [3, 2, 3, 3] (empty batch)", {0, 2, 4, 4}, {3, 2, 3, 3}},
        {"[2, 0, 4, 4] ⋆ [3, 0, 3, 3] (no input channels: the bias)", {2, 0, 4, 4}, {3, 0, 3, 3}},
    };
}

Shape conv_output(const ConvCase& c) {
    auto size = [](std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p,
                   std::int64_t d) { return (in + 2 * p - d * (k - 1) - 1) / s + 1; };
    return {c.input[0], c.weight[0],
            size(c.input[2], c.weight[2], c.stride.h, c.padding.h, c.dilation.h),
            size(c.input[3], c.weight[3], c.stride.w, c.padding.w, c.dilation.w)};
}

std::vector<OpSample> conv2d_samples() {
    std::vector<OpSample> out;
    for (const ConvCase& c : conv_cases())
        out.push_back(
            {c.label + ", bias", {c.input, c.weight, {c.weight[0]}}, [c](const Inputs& x) {
                 return conv2d(x[0], x[1], x[2], c.stride, c.padding, c.dilation, c.groups);
             }});
    out.push_back({"[1, 2, 3, 3] ⋆ [2, 2, 2, 2], no bias",
                   {{1, 2, 3, 3}, {2, 2, 2, 2}},
                   [](const Inputs& x) { return conv2d(x[0], x[1]); }});
    out.push_back({"conv1d [2, 2, 5] ⋆ [3, 2, 3], bias, stride 2, padding 1",
                   {{2, 2, 5}, {3, 2, 3}, {3}},
                   [](const Inputs& x) { return conv1d(x[0], x[1], x[2], 2, 1); }});
    out.push_back({"conv1d [1, 4, 6] ⋆ [2, 2, 2], dilation 2, groups 2, no bias",
                   {{1, 4, 6}, {2, 2, 2}},
                   [](const Inputs& x) { return conv1d(x[0], x[1], {}, 1, 0, 2, 2); }});
    return out;
}

std::vector<OpSample> input_backward_samples() {
    std::vector<OpSample> out;
    for (const ConvCase& c : conv_cases())
        out.push_back({c.label, {conv_output(c), c.weight}, [c](const Inputs& x) {
                           return conv2d_input_backward(x[0], x[1], c.input, c.stride, c.padding,
                                                        c.dilation, c.groups);
                       }});
    return out;
}

std::vector<OpSample> weight_backward_samples() {
    std::vector<OpSample> out;
    for (const ConvCase& c : conv_cases())
        out.push_back({c.label, {c.input, conv_output(c)}, [c](const Inputs& x) {
                           return conv2d_weight_backward(x[0], x[1], c.weight, c.stride, c.padding,
                                                         c.dilation, c.groups);
                       }});
    return out;
}
}  // namespace

void add_conv_rows(std::vector<OpInfo>& t) {
    using enum Domain;
    add_row(t, Op::conv2d, any, conv2d_samples());
    add_row(t, Op::conv2d_input_backward, any, input_backward_samples());
    add_row(t, Op::conv2d_weight_backward, any, weight_backward_samples());
    auto bias = [](const Inputs& x) { return conv2d_bias_backward(x[0]); };
    add_row(t, Op::conv2d_bias_backward, any,
            {{"[2, 3, 4, 5] to [3]", {{2, 3, 4, 5}}, bias},
             {"[2, 3, 5] (conv1d) to [3]", {{2, 3, 5}}, bias},
             {"[3, 2] to [2]", {{3, 2}}, bias},
             {"[1, 4, 1, 1] to [4]", {{1, 4, 1, 1}}, bias},
             {"[0, 3, 2, 2] (empty batch) to [3] of zeros", {{0, 3, 2, 2}}, bias}});
}

}  // namespace potatolemon::op_rows
