// Replays the seeded random optimiser and clipping runs of fixtures/differential_optim.txt, drawn
// and computed by torch 1.13 (reference/differential_optim_reference.py): Adam, AdamW (amsgrad or
// not), RMSprop (momentum, centered, weight decay) over several steps with missing gradients and
// zero-size parameters, clip_grad_norm_ of several norm types with non-finite gradients, and
// clip_grad_value_. Parameters after each step, clipped gradients and total norms must match.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {

struct Values {
    Shape shape;
    std::vector<double> values;
};

struct OptimCase {
    std::string kind, text;
    Dtype dtype = Dtype::float64;
    std::map<std::string, double> args;
    std::vector<Values> params;
    std::map<std::pair<int, int>, Values> grads, expected;  // (step, parameter)
    int steps = 0;
    double total_norm = 0;
};

Values read_values(std::istringstream& in) {
    int rank = 0;
    in >> rank;
    std::vector<std::int64_t> dims(rank);
    for (auto& d : dims) in >> d;
    Values v{Shape(dims), {}};
    std::string token;
    while (in >> token) v.values.push_back(std::strtod(token.c_str(), nullptr));
    return v;
}

std::vector<OptimCase> load_cases() {
    std::ifstream file(POTATOLEMON_TEST_FIXTURES "/differential_optim.txt");
    REQUIRE(file.good());
    std::vector<OptimCase> cases;
    std::string line, kind, key, token;
    while (std::getline(file, line)) {
        std::istringstream in(line);
        in >> kind;
        if (kind == "c") {
            cases.emplace_back();
            in >> cases.back().kind >> token;
            cases.back().dtype = token == "f32" ? Dtype::float32 : Dtype::float64;
        }
        OptimCase& c = cases.back();
        c.text += line.size() > 160 ? line.substr(0, 160) + " ...\n" : line + "\n";
        int step = 0, i = 0;
        if (kind == "a") {
            in >> key >> token;
            c.args[key] = std::strtod(token.c_str(), nullptr);
        } else if (kind == "t") {
            in >> i;
            c.params.push_back(read_values(in));
        } else if (kind == "g" || kind == "o") {
            in >> step >> i;
            (kind == "g" ? c.grads : c.expected)[{step, i}] = read_values(in);
            c.steps = std::max(c.steps, step + 1);
        } else if (kind == "n") {
            in >> token;
            c.total_norm = std::strtod(token.c_str(), nullptr);
        }
    }
    return cases;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const OptimCase& c, std::vector<Tensor> params) {
    const auto& a = c.args;
    if (c.kind == "rmsprop")
        return std::make_unique<nn::RMSprop>(
            params, nn::RMSpropOptions{a.at("lr"), a.at("alpha"), a.at("eps"), a.at("weight_decay"),
                                       a.at("momentum"), a.at("centered") != 0});
    if (c.kind == "adam")
        return std::make_unique<nn::Adam>(
            params, nn::AdamOptions{a.at("lr"), a.at("beta1"), a.at("beta2"), a.at("eps"),
                                    a.at("weight_decay"), a.at("amsgrad") != 0});
    return std::make_unique<nn::AdamW>(
        params, nn::AdamWOptions{a.at("lr"), a.at("beta1"), a.at("beta2"), a.at("eps"),
                                 a.at("weight_decay"), a.at("amsgrad") != 0});
}

// Equal to PyTorch's within the dtype's tolerance; NaN matches NaN, infinities match exactly.
void check_values(const std::string& what, const Tensor& got, const Values& want, Dtype dtype) {
    INFO(what);
    REQUIRE(got.shape() == want.shape);
    std::vector<double> g = got.values();
    double tol = dtype == Dtype::float64 ? 1e-10 : 1e-5;
    for (std::size_t i = 0; i < g.size(); ++i) {
        double w = want.values[i];
        bool ok = std::isnan(w)   ? std::isnan(g[i])
                  : std::isinf(w) ? g[i] == w
                                  : std::abs(g[i] - w) <= tol * (1 + std::abs(w));
        if (!ok) {
            FAIL_CHECK("element ", i, ": ", g[i], " vs PyTorch's ", w);
            return;
        }
    }
}

void set_grads(const OptimCase& c, std::vector<Tensor>& params, int step) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        auto it = c.grads.find({step, int(i)});
        if (it == c.grads.end())
            params[i].zero_grad();
        else
            params[i].set_grad(from_vector(it->second.values, it->second.shape, c.dtype));
    }
}

void check_case(const OptimCase& c) {
    INFO("case:\n", c.text);
    std::vector<Tensor> params;
    for (const Values& v : c.params)
        params.push_back(from_vector(v.values, v.shape, c.dtype).requires_grad_());
    if (c.kind == "clip_grad_norm" || c.kind == "clip_grad_value") {
        set_grads(c, params, 0);
        if (c.kind == "clip_grad_norm") {
            double total =
                nn::clip_grad_norm_(params, c.args.at("max_norm"), c.args.at("norm_type"));
            check_values("total norm", scalar_tensor(total, Dtype::float64),
                         Values{Shape{}, {c.total_norm}}, c.dtype);
        } else {
            nn::clip_grad_value_(params, c.args.at("clip_value"));
        }
        for (const auto& [key, want] : c.expected)
            check_values("gradient " + std::to_string(key.second), params[key.second].grad(), want,
                         c.dtype);
        return;
    }
    std::unique_ptr<nn::Optimizer> opt = make_optimizer(c, params);
    for (int step = 0; step < c.steps; ++step) {
        set_grads(c, params, step);
        opt->step();
        for (std::size_t i = 0; i < params.size(); ++i)
            check_values("parameter " + std::to_string(i) + " after step " + std::to_string(step),
                         params[i], c.expected.at({step, int(i)}), c.dtype);
    }
}

}  // namespace

TEST_CASE("optimisers and clipping match PyTorch on the random runs of differential_optim.txt") {
    std::vector<OptimCase> cases = load_cases();
    CHECK(cases.size() > 100);
    for (const OptimCase& c : cases) check_case(c);
}
