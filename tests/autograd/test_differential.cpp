// Replays the seeded random cases of fixtures/differential.txt, drawn and computed by torch 1.13
// (reference/differential_reference.py): conv, pooling, pad, comparisons, selection, arg extremes,
// norms, var/std/logsumexp, dropout, embedding and activations. Each case checks the outputs and
// the gradients of sum(out * w) against PyTorch's (float64 to ~1e-10, float32 to ~1e-5 of the
// tensor's scale), or, for a case PyTorch rejects, that the op throws a typed exception naming it.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "differential_fixture.hpp"

using namespace potatolemon;
using namespace potatolemon::differential;

namespace {

Outputs run_conv_pool(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input");
    if (c.op == "conv2d")
        return {{"out", conv2d(x, get(in, "weight"), get(in, "bias"), a.s2("stride"),
                               a.s2("padding"), a.s2("dilation"), a.i("groups"))}};
    if (c.op == "conv1d")
        return {{"out", conv1d(x, get(in, "weight"), get(in, "bias"), a.i("stride"), a.i("padding"),
                               a.i("dilation"), a.i("groups"))}};
    std::optional<Size2> stride;
    if (a.has("stride")) stride = a.s2("stride");
    if (c.op == "max_pool2d") {
        ValuesIndices r =
            max_pool2d_with_indices(x, a.s2("kernel"), stride, a.s2("padding"), a.s2("dilation"));
        return {{"out", r.values}, {"indices", r.indices}};
    }
    if (c.op == "avg_pool2d")
        return {{"out",
                 avg_pool2d(x, a.s2("kernel"), stride, a.s2("padding"), a.b("count_include_pad"))}};
    return {{"out", pad(x, a.list("pads"), a.f("value"))}};
}

Outputs run_compare(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "a"), y = get(in, "b");
    static const std::map<std::string, Tensor (*)(const Tensor&, const Tensor&)> binary = {
        {"eq", eq},
        {"ne", ne},
        {"lt", lt},
        {"le", le},
        {"gt", gt},
        {"ge", ge},
        {"logical_and", logical_and},
        {"logical_or", logical_or},
        {"maximum", maximum},
        {"minimum", minimum}};
    static const std::map<std::string, Tensor (*)(const Tensor&, double)> scalar = {
        {"eq", eq}, {"ne", ne}, {"lt", lt}, {"le", le}, {"gt", gt}, {"ge", ge}};
    if (a.has("scalar")) return {{"out", scalar.at(c.op)(x, a.f("scalar"))}};
    if (c.op == "logical_not") return {{"out", logical_not(x)}};
    if (c.op == "where") return {{"out", where(get(in, "condition"), x, y)}};
    if (c.op == "masked_fill")
        return {{"out", masked_fill(get(in, "input"), get(in, "mask"), a.f("value"))}};
    if (c.op == "argmax" || c.op == "argmin") {
        Tensor v = get(in, "input");
        bool max = c.op == "argmax";
        if (!a.has("dim")) return {{"out", max ? argmax(v) : argmin(v)}};
        return {{"out", max ? argmax(v, a.i("dim"), a.b("keepdim"))
                            : argmin(v, a.i("dim"), a.b("keepdim"))}};
    }
    return {{"out", binary.at(c.op)(x, y)}};
}

Outputs run_other(const Case& c, const Args& a, const Inputs& in) {
    Tensor x = get(in, "input");
    if (c.op == "layer_norm")
        return {{"out", layer_norm(x, a.list("normalized_shape"), get(in, "weight"),
                                   get(in, "bias"), a.f("eps"))}};
    if (c.op == "batch_norm") {
        Tensor rm = get(in, "running_mean"), rv = get(in, "running_var");
        Tensor out = batch_norm(x, rm, rv, get(in, "weight"), get(in, "bias"), a.b("training"),
                                a.f("momentum"), a.f("eps"));
        return {{"out", out}, {"running_mean", rm}, {"running_var", rv}};
    }
    if (c.op == "var" || c.op == "std") {
        auto f = c.op == "var" ? var : potatolemon::std;
        return {{"out", f(x, a.list("dims"), a.f("correction"), a.b("keepdim"))}};
    }
    if (c.op == "logsumexp") return {{"out", logsumexp(x, a.list("dims"), a.b("keepdim"))}};
    if (c.op == "dropout") return {{"out", dropout(x, a.f("p"), a.b("training"))}};
    if (c.op == "embedding") return {{"out", embedding(get(in, "weight"), get(in, "indices"))}};
    if (c.op == "gelu") return {{"out", gelu(x, c.words.at("approximate"))}};
    if (c.op == "silu") return {{"out", silu(x)}};
    if (c.op == "elu") return {{"out", elu(x, a.f("alpha"))}};
    FAIL("no runner for ", c.op);
    return {};
}

Outputs run(const Case& c, const Inputs& in) {
    Args a{c};
    static const std::vector<std::string> conv_pool = {"conv2d", "conv1d", "max_pool2d",
                                                       "avg_pool2d", "pad"};
    static const std::vector<std::string> compare = {
        "eq",          "ne",          "lt",          "le",         "gt",
        "ge",          "logical_not", "logical_and", "logical_or", "where",
        "masked_fill", "maximum",     "minimum",     "argmax",     "argmin"};
    auto among = [&](const auto& ops) {
        return std::find(ops.begin(), ops.end(), c.op) != ops.end();
    };
    if (among(conv_pool)) return run_conv_pool(c, a, in);
    if (among(compare)) return run_compare(c, a, in);
    return run_other(c, a, in);
}

}  // namespace

TEST_CASE("every op matches PyTorch on the random cases of fixtures/differential.txt") {
    std::vector<Case> cases = load_cases("differential.txt");
    CHECK(cases.size() > 500);
    for (const Case& c : cases) check_case(c, run);
}
