// Replays fixtures/zero_size.txt (reference/zero_size_reference.py, torch 1.13): every op (some
// backward primitives through their forward's gradients), the composites and the losses on inputs
// with a dim of size 0, and every dim-taking op on a rank-0 input. Each case checks the output
// shapes and values and the gradients of sum(out * w) against PyTorch's (sums of nothing 0, means
// nan, gemms with k = 0 zeros or the bias, dim 0 or -1 of a rank-0 tensor), or, where PyTorch
// raises, that ours throws a typed exception. Nothing may raise a signal.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "differential_fixture.hpp"
#include "nn/loss.hpp"

using namespace potatolemon;
using namespace potatolemon::differential;

namespace {

using Unary = Tensor (*)(const Tensor&);
using Binary = Tensor (*)(const Tensor&, const Tensor&);

Outputs run_elementwise(const Case& c, const Args& a, const Inputs& in) {
    static const std::map<std::string, Unary> unary = {
        {"neg", neg},           {"exp", exp},         {"abs", abs},
        {"tanh", tanh},         {"sigmoid", sigmoid}, {"relu", relu},
        {"softplus", softplus}, {"silu", silu},       {"log_sigmoid", log_sigmoid},
        {"log", log},           {"sqrt", sqrt}};
    static const std::map<std::string, Binary> binary = {{"add", add},
                                                         {"sub", sub},
                                                         {"mul", mul},
                                                         {"div", div},
                                                         {"maximum", maximum},
                                                         {"minimum", minimum},
                                                         {"tanh_backward", tanh_backward},
                                                         {"sigmoid_backward", sigmoid_backward},
                                                         {"threshold_backward", threshold_backward},
                                                         {"silu_backward", silu_backward},
                                                         {"eq", eq},
                                                         {"lt", lt},
                                                         {"logical_and", logical_and}};
    Tensor x = get(in, "input");
    if (unary.count(c.op)) return {{"out", unary.at(c.op)(x)}};
    if (binary.count(c.op) && in.count("a"))
        return {{"out", binary.at(c.op)(get(in, "a"), get(in, "b"))}};
    if (binary.count(c.op)) return {{"out", binary.at(c.op)(get(in, "grad"), x)}};
    if (c.op == "elu") return {{"out", elu(x)}};
    if (c.op == "pow") return {{"out", pow(x, a.f("exponent"))}};
    if (c.op == "affine") return {{"out", affine(x, a.f("scale"), a.f("shift"))}};
    if (c.op == "leaky_relu") return {{"out", leaky_relu(x, a.f("negative_slope"))}};
    if (c.op == "clamp") return {{"out", clamp(x, a.f("min"), a.f("max"))}};
    if (c.op == "gelu") return {{"out", gelu(x, c.words.at("approximate"))}};
    if (c.op == "gelu_backward") return {{"out", gelu_backward(get(in, "grad"), x)}};
    if (c.op == "elu_backward") return {{"out", elu_backward(get(in, "grad"), x)}};
    if (c.op == "binary_cross_entropy")
        return {{"out", binary_cross_entropy(x, get(in, "target"))}};
    if (c.op == "binary_cross_entropy_backward")
        return {{"out", binary_cross_entropy_backward(get(in, "grad"), x, get(in, "target"))}};
    if (c.op == "where") return {{"out", where(get(in, "condition"), get(in, "a"), get(in, "b"))}};
    if (c.op == "masked_fill") return {{"out", masked_fill(x, get(in, "mask"), a.f("value"))}};
    return {};
}

Outputs run_loss(const Case& c, const Inputs& in) {
    static const std::map<std::string, nn::Reduction> reductions = {
        {"mean", nn::Reduction::mean}, {"sum", nn::Reduction::sum}, {"none", nn::Reduction::none}};
    using Loss = Tensor (*)(const Tensor&, const Tensor&, nn::Reduction);
    static const std::map<std::string, Loss> losses = {
        {"mse_loss", nn::mse_loss},
        {"l1_loss", nn::l1_loss},
        {"bce", nn::binary_cross_entropy},
        {"bce_with_logits", nn::binary_cross_entropy_with_logits},
        {"cross_entropy", nn::cross_entropy},
        {"nll_loss", nn::nll_loss}};
    if (!losses.count(c.op)) return {};
    return {{"out", losses.at(c.op)(get(in, "input"), get(in, "target"),
                                    reductions.at(c.words.at("reduction")))}};
}

Outputs run_matmul_shape(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input");
    if (c.op == "matmul") return {{"out", matmul(get(in, "a"), get(in, "b"))}};
    if (c.op == "matmul_t")
        return {
            {"out", matmul(get(in, "a"), get(in, "b"), a.b("transpose_a"), a.b("transpose_b"))}};
    if (c.op == "linear") return {{"out", linear(x, get(in, "weight"), get(in, "bias"))}};
    if (c.op == "permute") return {{"out", permute(x, a.list("dims"))}};
    if (c.op == "reshape") return {{"out", reshape(x, a.list("shape"))}};
    if (c.op == "expand") return {{"out", expand(x, Shape(a.list("shape")))}};
    if (c.op == "sum_to") return {{"out", sum_to(x, Shape(a.list("shape")))}};
    if (c.op == "pad") return {{"out", pad(x, a.list("pads"), a.f("value"))}};
    if (c.op == "flatten") return {{"out", flatten(x, a.i("start"), a.i("end"))}};
    if (c.op == "squeeze") return {{"out", a.has("dim") ? squeeze(x, a.i("dim")) : squeeze(x)}};
    if (c.op == "unsqueeze") return {{"out", unsqueeze(x, a.i("dim"))}};
    if (c.op == "transpose")
        return {
            {"out", a.has("dim0") ? transpose(x, a.i("dim0"), a.i("dim1")) : transpose(x, 0, 1)}};
    if (c.op == "to_dtype") return {{"out", x.to(Dtype::int64).to(Dtype::float64)}};
    return {};
}

Outputs run_reduce(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input");
    auto values_indices = [](ValuesIndices r) -> Outputs {
        return {{"out", r.values}, {"indices", r.indices}};
    };
    if (c.op == "sum") return {{"out", sum(x, a.list("dims"), a.has("keepdim") && a.b("keepdim"))}};
    if (c.op == "mean")
        return {{"out", mean(x, a.list("dims"), a.has("keepdim") && a.b("keepdim"))}};
    if (c.op == "max_all") return {{"out", max(x)}};
    if (c.op == "min_all") return {{"out", min(x)}};
    if (c.op == "argmax_all") return {{"out", argmax(x)}};
    if (c.op == "max") return values_indices(max(x, a.i("dim"), a.b("keepdim")));
    if (c.op == "min") return values_indices(min(x, a.i("dim"), a.b("keepdim")));
    if (c.op == "argmax") return {{"out", argmax(x, a.i("dim"), a.b("keepdim"))}};
    if (c.op == "argmin") return {{"out", argmin(x, a.i("dim"), a.b("keepdim"))}};
    if (c.op == "var") return {{"out", var(x, a.list("dims"), a.f("correction"), a.b("keepdim"))}};
    if (c.op == "std")
        return {{"out", potatolemon::std(x, a.list("dims"), a.f("correction"), a.b("keepdim"))}};
    if (c.op == "logsumexp") return {{"out", logsumexp(x, a.list("dims"), a.b("keepdim"))}};
    if (c.op == "softmax") return {{"out", softmax(x, a.i("dim"))}};
    if (c.op == "log_softmax") return {{"out", log_softmax(x, a.i("dim"))}};
    return {};
}

Outputs run_index(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input"), index = get(in, "index");
    if (c.op == "slice")
        return {{"out", slice(x, a.i("dim"), a.i("start"), a.i("end"), a.i("step"))}};
    if (c.op == "index_select") return {{"out", index_select(x, a.i("dim"), index)}};
    if (c.op == "index_add") return {{"out", index_add(x, a.i("dim"), index, get(in, "source"))}};
    if (c.op == "gather") return {{"out", gather(x, a.i("dim"), index)}};
    if (c.op == "scatter_add") return {{"out", scatter_add(x, a.i("dim"), index, get(in, "src"))}};
    if (c.op == "concat") return {{"out", concat({get(in, "a"), get(in, "b")}, a.i("dim"))}};
    if (c.op == "stack") return {{"out", stack({get(in, "a"), get(in, "b")}, a.i("dim"))}};
    if (c.op == "embedding") return {{"out", embedding(get(in, "weight"), get(in, "indices"))}};
    return {};
}

Outputs run_model(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input"), weight = get(in, "weight"), bias = get(in, "bias");
    if (c.op == "max_pool2d") {
        ValuesIndices r = max_pool2d_with_indices(x, a.s2("kernel"));
        return {{"out", r.values}, {"indices", r.indices}};
    }
    if (c.op == "avg_pool2d") return {{"out", avg_pool2d(x, a.s2("kernel"))}};
    if (c.op == "conv2d") return {{"out", conv2d(x, weight, bias, 1, 0, 1, a.i("groups"))}};
    if (c.op == "conv1d") return {{"out", conv1d(x, weight, bias)}};
    if (c.op == "layer_norm")
        return {{"out", layer_norm(x, a.list("normalized_shape"), weight, bias)}};
    if (c.op == "batch_norm") {
        auto stats = [&](const char* key) {
            const std::vector<double>& v = c.args.at(key);
            return from_vector(v, Shape{static_cast<std::int64_t>(v.size())}, Dtype::float64);
        };
        return {{"out", batch_norm(x, stats("running_mean"), stats("running_var"), weight, bias,
                                   a.b("training"))}};
    }
    if (c.op == "dropout") return {{"out", dropout(x, a.f("p"), a.b("training"))}};
    return {};
}

Outputs run(const Case& c, const Inputs& in) {
    Args a{c};
    for (auto family : {run_elementwise, run_matmul_shape, run_reduce, run_index, run_model}) {
        Outputs out = family(c, a, in);
        if (!out.empty()) return out;
    }
    Outputs out = run_loss(c, in);
    if (out.empty()) FAIL("no runner for ", c.op);
    return out;
}

}  // namespace

TEST_CASE("every op matches PyTorch on the zero-size and rank-0 cases of fixtures/zero_size.txt") {
    std::vector<Case> cases = load_cases("zero_size.txt");
    CHECK(cases.size() > 400);
    for (const Case& c : cases) check_case(c, run);
}

TEST_CASE("index_select of a rank-0 input refuses other than one index") {
    // torch 1.13 writes each index's value into its one-element result (past its end for two
    // indices, nothing for none): not a result to match.
    Tensor x = scalar_tensor(2.5);
    for (Tensor index : {zeros({2}, Dtype::int64), zeros({0}, Dtype::int64)}) {
        CHECK_THROWS_WITH_AS(index_select(x, 0, index), doctest::Contains("index_select:"),
                             ShapeError);
    }
}
