// Fixtures of cases computed by torch 1.13 (reference/differential_reference.py and
// zero_size_reference.py write them): the parser of their c/a/s/t/o/w/r/g/x/e lines and the check
// of one case against a runner that calls our ops, shared by test_differential.cpp and
// test_zero_size.cpp.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "autograd/potatolemon.hpp"

namespace potatolemon::differential {

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

inline Dtype dtype_of_token(const std::string& s) {
    if (s == "f32") return Dtype::float32;
    if (s == "f64") return Dtype::float64;
    if (s == "i64") return Dtype::int64;
    return Dtype::boolean;
}

// "<rank> <dims...> <values...>" from the stream.
inline void read_tensor(std::istringstream& in, FixtureTensor& t) {
    int rank = 0;
    in >> rank;
    std::vector<std::int64_t> dims(rank);
    for (auto& d : dims) in >> d;
    t.shape = Shape(dims);
    std::string token;
    while (in >> token) t.values.push_back(std::strtod(token.c_str(), nullptr));
}

// The cases of fixtures/<name>.
inline std::vector<Case> load_cases(const std::string& name) {
    std::ifstream file(std::string(POTATOLEMON_TEST_FIXTURES "/") + name);
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
// Calls our op for a case; throws what the op throws.
using Runner = Outputs (*)(const Case&, const Inputs&);

inline Tensor get(const Inputs& in, const std::string& name) {
    auto it = in.find(name);
    return it == in.end() ? Tensor{} : it->second;
}

inline Tensor make(const FixtureTensor& t) {
    Tensor out = from_vector(t.values, t.shape, t.dtype);
    return t.grad ? out.requires_grad_() : out;
}

// The largest finite |v| of want, at least 1: float32 results are compared relative to it.
inline double scale_of(const std::vector<double>& want) {
    double s = 1;
    for (double v : want)
        if (std::isfinite(v)) s = std::max(s, std::abs(v));
    return s;
}

// Compares one tensor with PyTorch's; reports its first mismatching element.
// A float32 result may also differ by twice torch's own float32 deviation (`slack`): some
// gradients (layer_norm's over two elements, say) lose digits to cancellation in any float32 code.
inline void compare(const std::string& what, const Tensor& got, const FixtureTensor& want,
                    Dtype dtype, double slack) {
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

inline double slack_of(const Case& c, const std::string& key) {
    auto it = c.slack.find(key);
    return it == c.slack.end() ? 0 : it->second;
}

// The exception's message starts with the op's name: "conv2d: ...".
inline void check_typed_throw(const Case& c, const Inputs& in, Runner run) {
    // A case may name the function its message starts with ("s error max" for max over all).
    const std::string name = c.words.count("error") ? c.words.at("error") : c.op;
    try {
        run(c, in);
        FAIL_CHECK("PyTorch rejects this case; ours returned");
    } catch (const ShapeError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(name, 0) == 0, std::string(e.what()));
    } catch (const DtypeError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(name, 0) == 0, std::string(e.what()));
    } catch (const IndexError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(name, 0) == 0, std::string(e.what()));
    } catch (const GraphError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(name, 0) == 0, std::string(e.what()));
    }
}

// Runs the case and checks the outputs and gradients (or the typed throw) against torch's.
inline void check_case(const Case& c, Runner run) {
    INFO("case:\n", c.text);
    Inputs in;
    for (const FixtureTensor& t : c.inputs) in[t.name] = make(t);
    if (c.rejected) return check_typed_throw(c, in, run);
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

}  // namespace potatolemon::differential
