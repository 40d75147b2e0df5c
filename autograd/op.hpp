// Every op the tape can record, named once. op_table.cpp gives each a row of test metadata and a
// test fails if one is missing (issue 2: an op without checks fails the suite).
#pragma once
#include <cstdint>

namespace potatolemon {

// clang-format off
#define POTATOLEMON_OPS(X)                                                                      \
    X(add) X(sub) X(mul) X(div) X(affine) X(neg) X(pow) X(exp) X(log) X(sqrt) X(abs) X(tanh)    \
    X(tanh_backward) X(sigmoid) X(sigmoid_backward) X(relu) X(threshold_backward)               \
    X(leaky_relu) X(clamp) X(softplus)                                                          \
    X(binary_cross_entropy) X(binary_cross_entropy_backward) X(matmul) X(linear) X(permute)     \
    X(reshape) X(expand) X(sum_to) X(sum) X(mean) X(max) X(min) X(softmax) X(log_softmax)       \
    X(slice) X(slice_backward) X(index_select) X(index_add) X(gather) X(scatter_add) X(concat)  \
    X(to_dtype) X(where) X(maximum) X(minimum)                                                  \
    X(max_pool2d) X(max_pool2d_backward) X(relu_max_pool2d) X(avg_pool2d) X(avg_pool2d_backward) \
    X(pad)                                                                                      \
    X(var) X(std) X(logsumexp) X(layer_norm) X(batch_norm) X(norm_backward)                     \
    X(gelu) X(gelu_backward) X(silu) X(silu_backward) X(elu) X(elu_backward) X(dropout)         \
    X(conv2d) X(conv2d_input_backward) X(conv2d_weight_backward) X(conv2d_bias_backward)
// clang-format on

enum class Op : std::uint8_t {
#define POTATOLEMON_OP_ENUM(name) name,
    POTATOLEMON_OPS(POTATOLEMON_OP_ENUM)
#undef POTATOLEMON_OP_ENUM
        count
};

const char* op_name(Op op);

}  // namespace potatolemon
