// The elementwise loops' AVX-512 build against the baseline build: the same bits for every map,
// on inputs long enough to take the wide loop and holding the special values. A NaN's sign is
// the exception: where both operands of a multiplication are NaN, x86 keeps the first one's, and a
// compiler may order a commutative operation's operands either way in each build.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using kernels::GemmIsa;

namespace {
// n values (the wide loop takes chunks of 64 or more): random normals scaled over several
// magnitudes, with ±0, ±inf, NaN, tiny and huge values, values where tanh, sigmoid and exp
// saturate, and negative ones for log and sqrt.
Tensor mixed_values(std::int64_t n, Dtype dtype, std::uint64_t seed) {
    Generator gen(seed);
    std::vector<double> v = randn({n}, gen, Dtype::float64).values();
    const double inf = std::numeric_limits<double>::infinity();
    const double special[] = {0.0,   -0.0, inf,   -inf, std::nan(""), 1e-40, -1e-310, 1e30,
                              -1e30, 20.0, -20.0, 90.0, -120.0,       700.0, 1.0,     -1.0};
    for (std::size_t i = 0; i < v.size(); ++i) v[i] *= std::pow(10.0, double(i % 7) - 3);
    for (std::size_t i = 0; i < std::size(special) && i * 11 < v.size(); ++i)
        v[i * 11] = special[i];
    return from_vector(v, Shape{n}, dtype);
}

// Equal bits, or NaN in both.
bool same_bits(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
    const std::size_t size = dtype_size(a.dtype());
    const auto* pa = static_cast<const unsigned char*>(a.impl()->data);
    const auto* pb = static_cast<const unsigned char*>(b.impl()->data);
    const std::vector<double> va = a.values(), vb = b.values();
    for (std::int64_t i = 0; i < a.numel(); ++i) {
        if (std::isnan(va[i]) && std::isnan(vb[i])) continue;
        if (std::memcmp(pa + i * size, pb + i * size, size) != 0) return false;
    }
    return true;
}

// f's result with the baseline loops and with the AVX-512 ones.
void check_same_on_both(const std::string& name, const std::function<Tensor()>& f) {
    INFO(name);
    kernels::set_gemm_isa(GemmIsa::portable);
    Tensor baseline = f();
    kernels::set_gemm_isa(GemmIsa::avx512);
    Tensor wide = f();
    CHECK(same_bits(baseline, wide));
}

struct RestoreIsa {
    GemmIsa isa = kernels::gemm_isa();
    ~RestoreIsa() { kernels::set_gemm_isa(isa); }
};
}  // namespace

TEST_CASE("every elementwise map gives the same bits from its AVX-512 loop as from the baseline") {
    if (!kernels::gemm_isa_supported(GemmIsa::avx512)) {
        MESSAGE("this CPU has no AVX-512: only the baseline loops run here");
        return;
    }
    RestoreIsa restore;
    for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
        INFO(std::string(dtype_name(dtype)));
        const Tensor x = mixed_values(200, dtype, 1), y = mixed_values(200, dtype, 2);
        const Tensor row = mixed_values(100, dtype, 3);
        const std::vector<std::pair<std::string, std::function<Tensor()>>> maps = {
            {"neg", [&] { return neg(x); }},
            {"exp", [&] { return exp(x); }},
            {"log", [&] { return log(x); }},
            {"sqrt", [&] { return sqrt(x); }},
            {"abs", [&] { return abs(x); }},
            {"tanh", [&] { return tanh(x); }},
            {"sigmoid", [&] { return sigmoid(x); }},
            {"relu", [&] { return relu(x); }},
            {"leaky_relu", [&] { return leaky_relu(x, 0.1); }},
            {"clamp", [&] { return clamp(x, -0.5, 2.0); }},
            {"softplus", [&] { return softplus(x); }},
            {"log_sigmoid", [&] { return log_sigmoid(x); }},
            {"affine", [&] { return affine(x, 1.5, -0.25); }},
            {"pow 3", [&] { return pow(x, 3.0); }},
            {"pow 0.5", [&] { return pow(x, 0.5); }},
            {"gelu", [&] { return gelu(x); }},
            {"gelu tanh", [&] { return gelu(x, "tanh"); }},
            {"silu", [&] { return silu(x); }},
            {"elu", [&] { return elu(x, 0.7); }},
            {"add", [&] { return add(x, y); }},
            {"sub", [&] { return sub(x, y); }},
            {"mul", [&] { return mul(x, y); }},
            {"div", [&] { return div(x, y); }},
            {"maximum", [&] { return maximum(x, y); }},
            {"minimum", [&] { return minimum(x, y); }},
            {"tanh_backward", [&] { return tanh_backward(x, y); }},
            {"sigmoid_backward", [&] { return sigmoid_backward(x, y); }},
            {"threshold_backward", [&] { return threshold_backward(x, y); }},
            {"gelu_backward", [&] { return gelu_backward(x, y); }},
            {"silu_backward", [&] { return silu_backward(x, y); }},
            {"elu_backward", [&] { return elu_backward(x, y, 0.7); }},
            {"mul by a one-element tensor", [&] { return mul(x, full({1}, 3.0, dtype)); }},
            {"add a row to every row",
             [&] {
                 return add(reshape(x, {2, 100}), row);
             }},
            {"binary_cross_entropy", [&] { return binary_cross_entropy(sigmoid(x), sigmoid(y)); }},
            {"eq", [&] { return eq(x, y).to(dtype); }},
        };
        for (const auto& [name, f] : maps) check_same_on_both(name, f);
    }
}
