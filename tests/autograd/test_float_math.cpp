// float32 tanh, sigmoid and exp (float_math.hpp) against the same functions in double rounded
// once to float, over a sweep of the whole float line: never more than 1 ulp away, nearly always
// equal, and the special values (±0, ±inf, NaN, overflow, underflow) as libm gives them.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "autograd/float_math.hpp"

using namespace potatolemon::detail;

namespace {
// Distance in representable floats; NaN against NaN is 0, NaN against a number is huge.
std::int64_t ulps_apart(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : 1LL << 40;
    auto ordered = [](float f) {  // float bit patterns mapped to a monotonic integer line
        std::int64_t bits = std::bit_cast<std::int32_t>(f);
        return bits < 0 ? std::int64_t(INT32_MIN) - bits : bits;
    };
    std::int64_t d = ordered(a) - ordered(b);
    return d < 0 ? -d : d;
}

struct SweepResult {
    std::int64_t worst_ulps = 0, inexact = 0, count = 0;
};

// Every 4099th bit pattern (a prime step, so every exponent and many mantissas): ~1M floats.
template <class Fast, class Exact>
SweepResult sweep(Fast fast, Exact exact) {
    SweepResult r;
    for (std::uint64_t bits = 0; bits < (1ULL << 32); bits += 4099) {
        float x = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
        std::int64_t d = ulps_apart(fast(x), static_cast<float>(exact(double(x))));
        r.worst_ulps = std::max(r.worst_ulps, d);
        r.inexact += d != 0;
        ++r.count;
    }
    return r;
}

void check_sweep(const SweepResult& r) {
    CHECK(r.count > 1'000'000);
    CHECK(r.worst_ulps <= 1);
    CHECK(r.inexact * 10'000 < r.count);  // the whole line, swept exhaustively: ~1 in 100,000
}
}  // namespace

TEST_SUITE("float_math") {
    constexpr float inf = std::numeric_limits<float>::infinity();
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();

    TEST_CASE("tanh is within 1 ulp over the float line") {
        check_sweep(
            sweep([](float x) { return tanh_of(x); }, [](double x) { return std::tanh(x); }));
        CHECK(std::signbit(tanh_of(-0.0f)));
        CHECK(tanh_of(1e-30f) == 1e-30f);  // tanh x = x below float's resolution
        CHECK(tanh_of(inf) == 1);
        CHECK(tanh_of(-inf) == -1);
        CHECK(tanh_of(20.0f) == 1);
        CHECK(std::isnan(tanh_of(nan)));
    }

    TEST_CASE("sigmoid is within 1 ulp over the float line") {
        check_sweep(sweep([](float x) { return sigmoid_of(x); },
                          [](double x) { return 1 / (1 + std::exp(-x)); }));
        CHECK(sigmoid_of(0.0f) == 0.5f);
        CHECK(sigmoid_of(inf) == 1);
        CHECK(sigmoid_of(-inf) == 0);
        CHECK(sigmoid_of(-100.0f) == static_cast<float>(std::exp(-100.0)));  // subnormal, not 0
        CHECK(std::isnan(sigmoid_of(nan)));
    }

    TEST_CASE("exp is within 1 ulp over the float line") {
        check_sweep(sweep([](float x) { return exp_of(x); }, [](double x) { return std::exp(x); }));
        CHECK(exp_of(0.0f) == 1);
        CHECK(exp_of(inf) == inf);
        CHECK(exp_of(89.0f) == inf);
        CHECK(exp_of(-inf) == 0);
        CHECK(exp_of(-100.0f) == static_cast<float>(std::exp(-100.0)));  // subnormal, not 0
        CHECK(std::isnan(exp_of(nan)));
    }
}
