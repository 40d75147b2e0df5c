// The C++ side of reference/layer_reference.py: the same input pattern, parameters set the same
// way, and a check of a module's output and gradients against a case that PyTorch recorded.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn::test {

struct LayerReference {
    std::string name;
    std::vector<double> out;                 // row-major
    std::vector<std::vector<double>> grads;  // input (when floating), then each parameter
};

// ((i * 7 + seed) mod 19 - 9) / 8 for element i: exact in float32, no repeats within 18
// consecutive elements.
inline Tensor pattern(const Shape& shape, int seed, Dtype dtype = Dtype::float64) {
    std::vector<double> values(static_cast<std::size_t>(shape.numel()));
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<double>((static_cast<std::int64_t>(i) * 7 + seed) % 19 - 9) / 8;
    return from_vector(values, shape, dtype);
}

// Parameter k (named_parameters order) becomes pattern(its shape, seed + k), in place.
inline void set_parameters(Module& module, int seed) {
    int k = 0;
    for (const Tensor& p : module.parameters()) {
        Tensor values = pattern(p.shape(), seed + k++, p.dtype());
        std::copy_n(static_cast<const std::byte*>(values.impl()->data),
                    p.numel() * static_cast<std::int64_t>(dtype_size(p.dtype())),
                    static_cast<std::byte*>(p.impl()->data));
    }
}

inline const LayerReference& find_reference(const std::vector<LayerReference>& references,
                                            const std::string& name) {
    auto found = std::find_if(references.begin(), references.end(),
                              [&name](const LayerReference& r) { return r.name == name; });
    REQUIRE_MESSAGE(found != references.end(), "no reference case ", name);
    return *found;
}

// Element by element within tol * (1 + |want|).
inline void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol,
                        const std::string& what) {
    INFO(what);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("element ", i, ": ", got[i], " vs ", want[i]);
        CHECK(std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i])));
    }
}

// Runs module(x) and compares the output and the gradients of sum(out * pattern(out shape, 3))
// with respect to x (when floating) and every parameter with the reference.
inline void check_against(Module& module, const Tensor& x, const LayerReference& reference,
                          double tol) {
    INFO("case ", reference.name);
    module.zero_grad();
    Tensor input = is_floating(x.dtype()) ? x.detach().clone().requires_grad_() : x;
    Tensor out = module(input);
    check_close(out.values(), reference.out, tol, "output");
    sum(out * pattern(out.shape(), 3, out.dtype())).backward();
    std::vector<Tensor> with_grads = module.parameters();
    if (is_floating(x.dtype())) with_grads.insert(with_grads.begin(), input);
    REQUIRE(with_grads.size() == reference.grads.size());
    for (std::size_t i = 0; i < with_grads.size(); ++i) {
        Tensor grad = with_grads[i].grad();
        REQUIRE_MESSAGE(grad.defined(), "no gradient for input ", i);
        check_close(grad.values(), reference.grads[i], tol, "gradient " + std::to_string(i));
    }
}

}  // namespace potatolemon::nn::test
