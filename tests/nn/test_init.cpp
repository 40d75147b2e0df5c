// Initialisation: PyTorch's gains and fans, the bounds and spreads of xavier and kaiming
// (checked statistically on 60,000 draws), constant fills, and that init writes in place
// without recording.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;
namespace init = potatolemon::nn::init;

namespace {
struct Stats {
    double mean, std, largest;
};
Stats stats_of(const Tensor& t) {
    std::vector<double> v = t.values();
    double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double sq = 0, largest = 0;
    for (double x : v) {
        sq += (x - mean) * (x - mean);
        largest = std::max(largest, std::abs(x));
    }
    return {mean, std::sqrt(sq / static_cast<double>(v.size())), largest};
}
}  // namespace

TEST_SUITE("init") {

TEST_CASE("calculate_gain and calculate_fans follow torch.nn.init") {
    CHECK(init::calculate_gain(init::Nonlinearity::linear) == 1);
    CHECK(init::calculate_gain(init::Nonlinearity::sigmoid) == 1);
    CHECK(init::calculate_gain(init::Nonlinearity::tanh) == doctest::Approx(5.0 / 3));
    CHECK(init::calculate_gain(init::Nonlinearity::relu) == doctest::Approx(std::sqrt(2.0)));
    CHECK(init::calculate_gain(init::Nonlinearity::leaky_relu, 0.2) ==
          doctest::Approx(std::sqrt(2.0 / 1.04)));
    CHECK(init::calculate_gain(init::Nonlinearity::selu) == 0.75);
    init::Fans dense = init::calculate_fans(zeros(Shape{5, 3}));
    CHECK((dense.fan_in == 3 && dense.fan_out == 5));
    init::Fans conv = init::calculate_fans(zeros(Shape{4, 3, 2, 2}));
    CHECK((conv.fan_in == 12 && conv.fan_out == 16));
    Tensor vector = zeros(Shape{5});
    CHECK_THROWS_WITH_AS(init::xavier_uniform_(vector), doctest::Contains("xavier_uniform_"),
                         ShapeError);
}

TEST_CASE("xavier and kaiming reach their bounds and standard deviations") {
    Generator gen(21);
    Tensor w = zeros(Shape{200, 300});  // fan_in 300, fan_out 200
    const double xavier_bound = std::sqrt(6.0 / 500);
    Stats s = stats_of(init::xavier_uniform_(w, 1.0, gen));
    CHECK(s.largest <= xavier_bound);
    CHECK(s.largest > 0.999 * xavier_bound);
    CHECK(s.std == doctest::Approx(xavier_bound / std::sqrt(3.0)).epsilon(0.02));
    s = stats_of(init::xavier_normal_(w, 2.0, gen));
    CHECK(s.std == doctest::Approx(2.0 * std::sqrt(2.0 / 500)).epsilon(0.02));
    CHECK(std::abs(s.mean) < 0.02 * s.std);  // the standard error is 0.004 std
    // Defaults a = 0, fan_in, leaky_relu: gain sqrt(2), bound sqrt(6 / fan_in).
    s = stats_of(init::kaiming_uniform_(w, 0, init::FanMode::fan_in,
                                        init::Nonlinearity::leaky_relu, gen));
    CHECK(s.largest <= std::sqrt(6.0 / 300));
    CHECK(s.largest > 0.999 * std::sqrt(6.0 / 300));
    s = stats_of(init::kaiming_normal_(w, 0, init::FanMode::fan_out, init::Nonlinearity::relu,
                                       gen));
    CHECK(s.std == doctest::Approx(std::sqrt(2.0) / std::sqrt(200.0)).epsilon(0.02));
}

TEST_CASE("uniform_, normal_, constant_ and zeros_ fill in place without recording") {
    Generator gen(2);
    Tensor t = zeros(Shape{100, 100}).requires_grad_();
    detail::TensorImpl* identity = t.impl();
    Stats s = stats_of(init::uniform_(t, -3, 1, gen));
    CHECK(s.mean == doctest::Approx(-1).epsilon(0.03));
    CHECK(s.largest <= 3);
    s = stats_of(init::normal_(t, 0.5, 2, gen));
    CHECK(s.mean == doctest::Approx(0.5).epsilon(0.1));
    CHECK(s.std == doctest::Approx(2).epsilon(0.03));
    CHECK(init::constant_(t, 0.25).values() == std::vector<double>(10000, 0.25));
    CHECK(init::zeros_(t).values() == std::vector<double>(10000, 0.0));
    CHECK(t.impl() == identity);
    CHECK((t.is_leaf() && t.requires_grad()));
    Tensor indices = zeros(Shape{3}, Dtype::int64);
    CHECK_THROWS_WITH_AS(init::zeros_(indices), doctest::Contains("zeros_"), DtypeError);
}

}  // TEST_SUITE
