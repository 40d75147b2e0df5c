// Helpers shared by the nn tests: gradcheck + gradgradcheck of a module or a function in float64
// with the report in the test log, inputs kept away from kinks, and where fixtures live.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/activation.hpp"
#include "nn/linear.hpp"
#include "nn/module.hpp"
#include "nn/sequential.hpp"

namespace potatolemon::nn::test {

// The original experiment's 2-3-3-1 network (tanh, tanh, sigmoid), PyTorch-initialised from seed.
inline Sequential xor_net(std::uint64_t seed) {
    Generator gen(seed);
    return Sequential{std::make_shared<Linear>(2, 3, gen), std::make_shared<Tanh>(),
                      std::make_shared<Linear>(3, 3, gen), std::make_shared<Tanh>(),
                      std::make_shared<Linear>(3, 1, gen), std::make_shared<Sigmoid>()};
}

// Checks first and second derivatives of fn with respect to every input that requires grad.
inline void check_grads(const TensorFn& fn, const std::vector<Tensor>& inputs) {
    GradcheckReport first = gradcheck(fn, inputs);
    INFO("gradcheck: ", first.message);
    CHECK(first.passed);
    GradcheckReport second = gradgradcheck(fn, inputs);
    INFO("gradgradcheck: ", second.message);
    CHECK(second.passed);
}

// Uniform float64 values in ±[0.2, 2]: finite differences never straddle a kink at 0.
inline Tensor away_from_zero(const Shape& shape, Generator& gen) {
    Tensor x = uniform(shape, -1, 1, gen, Dtype::float64);
    double* p = x.data<double>();
    for (std::int64_t i = 0; i < x.numel(); ++i)
        p[i] = (p[i] < 0 ? -1 : 1) * (0.2 + 1.8 * std::abs(p[i]));
    return x;
}

// Converts `module` to float64 and checks d module(x) / d (x, parameters), first and second order.
inline void check_module_grads(Module& module, const Shape& x_shape, std::uint64_t seed = 1) {
    module.to(Dtype::float64);
    Generator gen(seed);
    std::vector<Tensor> inputs{away_from_zero(x_shape, gen).requires_grad_()};
    for (const Tensor& p : module.parameters()) inputs.push_back(p);
    check_grads([&module](const std::vector<Tensor>& in) { return module(in[0]); }, inputs);
}

// tests/nn/fixtures, found from this header's path. meson may compile with a path relative to the
// build dir, which resolves only when the test runs there; else POTATOLEMON_TEST_ROOT leads.
inline std::filesystem::path fixture_dir() {
    const std::filesystem::path here = std::filesystem::path(__FILE__).parent_path() / "fixtures";
#ifdef POTATOLEMON_TEST_ROOT
    if (!std::filesystem::exists(here))
        return std::filesystem::path(POTATOLEMON_TEST_ROOT) / "nn" / "fixtures";
#endif
    return here;
}

}  // namespace potatolemon::nn::test
