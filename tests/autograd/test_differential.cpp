// Replays the seeded random cases of fixtures/differential.txt, drawn and computed by torch 1.13
// (reference/differential_reference.py): conv, pooling, pad, comparisons, selection, arg extremes,
// norms, var/std/logsumexp, dropout, embedding and activations. Each case checks the outputs and
// the gradients of sum(out * w) against PyTorch's (float64 to ~1e-10, float32 to ~1e-5 of the
// tensor's scale), or, for a case PyTorch rejects, that the op throws a typed exception naming it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {

struct FixtureTensor {
    std::string name;
    Dtype dtype = Dtype::float64;
    bool grad = false;
    Shape shape;
    std::vector<double> values;
};

struct Case {
    std::string op, text;  // text: the case's lines, for messages
    Dtype dtype = Dtype::float64;
    std::map<std::string, std::vector<double>> args;
    std::map<std::string, std::string> words;
    std::vector<FixtureTensor> inputs, outputs, grads;
    FixtureTensor weights;
    std::map<std::string, double> slack;  // "o out", "g input": torch's own float32 deviation
    bool has_weights = false, rejected = false;
};

Dtype dtype_of_token(const std::string& s) {
    if (s == "f32") return Dtype::float32;
    if (s == "f64") return Dtype::float64;
    if (s == "i64") return Dtype::int64;
    return Dtype::boolean;
}

// "<rank> <dims...> <values...>" from the stream.
void read_tensor(std::istringstream& in, FixtureTensor& t) {
    int rank = 0;
    in >> rank;
    std::vector<std::int64_t> dims(rank);
    for (auto& d : dims) in >> d;
    t.shape = Shape(dims);
    std::string token;
    while (in >> token) t.values.push_back(std::strtod(token.c_str(), nullptr));
}

std::vector<Case> load_cases() {
    std::ifstream file(POTATOLEMON_TEST_FIXTURES "/differential.txt");
    REQUIRE(file.good());
    std::vector<Case> cases;
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream in(line);
        std::string kind, key, token;
        in >> kind;
        if (kind == "c") cases.emplace_back(), in >> cases.back().op >> token;
        Case& c = cases.back();
        if (kind == "c") c.dtype = dtype_of_token(token);
        c.text += line.size() > 160 ? line.substr(0, 160) + " ...\n" : line + "\n";
        if (kind == "a") {
            in >> key;
            auto& list = c.args[key];
            while (in >> token) list.push_back(std::strtod(token.c_str(), nullptr));
        } else if (kind == "s") {
            in >> key >> c.words[key];
        } else if (kind == "t" || kind == "o" || kind == "g") {
            FixtureTensor t;
            in >> t.name;
            if (kind != "g") in >> token, t.dtype = dtype_of_token(token);
            if (kind == "t") in >> t.grad;
            read_tensor(in, t);
            (kind == "t" ? c.inputs : kind == "o" ? c.outputs : c.grads).push_back(t);
        } else if (kind == "w") {
            c.has_weights = true;
            read_tensor(in, c.weights);
        } else if (kind == "r") {
            in >> key >> token;
            in >> c.slack[key + " " + token];
        } else if (kind == "x") {
            c.rejected = true;
        }
    }
    return cases;
}

// Arguments by name, as the script wrote them.
struct Args {
    const Case& c;
    bool has(const std::string& key) const { return c.args.count(key) != 0; }
    std::int64_t i(const std::string& key, std::size_t k = 0) const {
        return static_cast<std::int64_t>(c.args.at(key).at(k));
    }
    double f(const std::string& key) const { return c.args.at(key).at(0); }
    bool b(const std::string& key) const { return c.args.at(key).at(0) != 0; }
    Size2 s2(const std::string& key) const { return Size2(i(key, 0), i(key, 1)); }
    std::vector<std::int64_t> list(const std::string& key) const {
        std::vector<std::int64_t> out;
        for (double v : c.args.at(key)) out.push_back(static_cast<std::int64_t>(v));
        return out;
    }
};

using Outputs = std::vector<std::pair<std::string, Tensor>>;
using Inputs = std::map<std::string, Tensor>;

Tensor get(const Inputs& in, const std::string& name) {
    auto it = in.find(name);
    return it == in.end() ? Tensor{} : it->second;
}

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

Tensor make(const FixtureTensor& t) {
    Tensor out = from_vector(t.values, t.shape, t.dtype);
    return t.grad ? out.requires_grad_() : out;
}

// The largest finite |v| of want, at least 1: float32 results are compared relative to it.
double scale_of(const std::vector<double>& want) {
    double s = 1;
    for (double v : want)
        if (std::isfinite(v)) s = std::max(s, std::abs(v));
    return s;
}

// Compares one tensor with PyTorch's; reports its first mismatching element.
// A float32 result may also differ by twice torch's own float32 deviation (`slack`): some
// gradients (layer_norm's over two elements, say) lose digits to cancellation in any float32 code.
void compare(const std::string& what, const Tensor& got, const FixtureTensor& want, Dtype dtype,
             double slack) {
    INFO(what);
    if (!got.defined()) {
        FAIL_CHECK("undefined result");
        return;
    }
    if (!(got.shape() == want.shape)) {
        FAIL_CHECK("shape ", to_string(got.shape()), " vs PyTorch's ", to_string(want.shape));
        return;
    }
    std::vector<double> g = got.values();
    bool exact = want.dtype == Dtype::int64 || want.dtype == Dtype::boolean;
    if (!exact) CHECK(got.dtype() == dtype);
    if (exact) CHECK(got.dtype() == want.dtype);
    double tol = dtype == Dtype::float64 ? 1e-10 : 2e-5, scale = scale_of(want.values);
    for (std::size_t i = 0; i < g.size(); ++i) {
        double w = want.values[i];
        bool ok = std::isnan(w) ? std::isnan(g[i])
                  : exact || std::isinf(w)
                      ? g[i] == w
                      : std::abs(g[i] - w) <=
                            tol * (std::abs(w) + (dtype == Dtype::float32 ? scale : 1)) + 2 * slack;
        if (!ok) {
            FAIL_CHECK("element ", i, ": ", g[i], " vs PyTorch's ", w);
            return;
        }
    }
}

double slack_of(const Case& c, const std::string& key) {
    auto it = c.slack.find(key);
    return it == c.slack.end() ? 0 : it->second;
}

// The exception's message starts with the op's name: "conv2d: ...".
void check_typed_throw(const Case& c, const Inputs& in) {
    try {
        run(c, in);
        FAIL_CHECK("PyTorch rejects this case; ours returned");
    } catch (const ShapeError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(c.op, 0) == 0, std::string(e.what()));
    } catch (const DtypeError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(c.op, 0) == 0, std::string(e.what()));
    } catch (const IndexError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(c.op, 0) == 0, std::string(e.what()));
    } catch (const GraphError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(c.op, 0) == 0, std::string(e.what()));
    }
}

void check_case(const Case& c) {
    INFO("case:\n", c.text);
    Inputs in;
    for (const FixtureTensor& t : c.inputs) in[t.name] = make(t);
    if (c.rejected) return check_typed_throw(c, in);
    Outputs got;
    try {
        got = run(c, in);
    } catch (const std::exception& e) {
        FAIL_CHECK("PyTorch accepts this case; ours threw: ", std::string(e.what()));
        return;
    }
    Dtype dtype = c.dtype;
    for (const FixtureTensor& want : c.outputs) {
        auto it =
            std::find_if(got.begin(), got.end(), [&](auto& p) { return p.first == want.name; });
        if (it == got.end()) {
            FAIL_CHECK("no output ", want.name);
            continue;
        }
        compare("output " + want.name, it->second, want, dtype, slack_of(c, "o " + want.name));
    }
    if (!c.has_weights || c.grads.empty()) return;
    Tensor w = from_vector(c.weights.values, c.weights.shape, dtype);
    sum(got[0].second * w).backward();
    for (const FixtureTensor& want : c.grads) {
        Tensor g = in.at(want.name).grad();
        compare("gradient of " + want.name, g.defined() ? g : zeros_like(in.at(want.name)), want,
                dtype, slack_of(c, "g " + want.name));
    }
}

}  // namespace

TEST_CASE("every op matches PyTorch on the random cases of fixtures/differential.txt") {
    std::vector<Case> cases = load_cases();
    CHECK(cases.size() > 500);
    for (const Case& c : cases) check_case(c);
}
