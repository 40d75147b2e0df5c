// float32 tanh and sigmoid without libm calls: each is evaluated in double from one short
// polynomial for e^y and rounded once, so the float result is within an ulp of the exact one (the
// tests sweep the float line), and loops over them vectorise: ~3.5x the throughput of a loop over
// libm's tanhf (bench_op_overhead: elementwise_tanh_1M), with no call per element for the XOR
// net's 12-element layers. float64 keeps libm, whose precision it needs. exp_of is the same for
// e^x, for loops that libm's expf, one call per element, would keep from vectorising (logsumexp).
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace potatolemon::detail {

// e^y = scale (1 + q): scale = 2^n for the integer n nearest y / ln2, q = e^r - 1 for the rest
// r = y - n ln2 (|r| <= ln2 / 2), from the Taylor series to r^8 (remainder < 3e-10 of q, against
// float's 6e-8). Keeping q apart from 1 keeps e^y - 1 accurate near y = 0. Needs |y| <= 700.
struct ExpParts {
    double scale, q;
};

inline ExpParts exp_parts(double y) {
    constexpr double inv_ln2 = 1.4426950408889634, ln2 = 0.6931471805599453;
    constexpr double round_bias = 0x1.8p52;  // y / ln2 + this leaves round(y / ln2) in the low bits
    double biased = y * inv_ln2 + round_bias;
    double n = biased - round_bias;
    double r = y - n * ln2;
    // Estrin's scheme: the same polynomial as Horner's rule in half the dependent steps, which
    // is what a short loop of these waits on.
    double r2 = r * r, r4 = r2 * r2;
    double p01 = 1 + r * (1.0 / 2), p23 = 1.0 / 6 + r * (1.0 / 24);
    double p45 = 1.0 / 120 + r * (1.0 / 720), p67 = 1.0 / 5040 + r * (1.0 / 40320);
    double q = r * ((p01 + r2 * p23) + r4 * (p45 + r2 * p67));
    std::int64_t exponent =
        std::bit_cast<std::int64_t>(biased) - std::bit_cast<std::int64_t>(round_bias);
    return {std::bit_cast<double>((exponent + 1023) << 52), q};
}

// Clamps y to [lo, hi] keeping NaN: std::max(y, lo) and std::min(_, hi) return their first
// argument when a comparison with NaN is false (and compile to maxpd / minpd, so loops vectorise).
inline double clamp_keep_nan(double y, double lo, double hi) {
    return std::min(std::max(y, lo), hi);
}

// tanh|x| = (e^2|x| - 1) / (e^2|x| + 1), with e^2|x| - 1 = (2^n - 1) + 2^n q, exact in 2^n - 1 so
// small |x| keep their relative precision; tanh(10) rounds to 1 in float.
inline float tanh_of(float x) {
    ExpParts e = exp_parts(2 * clamp_keep_nan(std::fabs(double(x)), 0, 10));
    double expm1 = (e.scale - 1) + e.scale * e.q;
    return std::copysign(static_cast<float>(expm1 / (expm1 + 2)), x);
}

// 1 / (1 + e^-x) in double cannot overflow; beyond ±120 float's answer is 0 or 1 already.
inline float sigmoid_of(float x) {
    ExpParts e = exp_parts(clamp_keep_nan(-double(x), -120, 120));
    return static_cast<float>(1 / (1 + (e.scale + e.scale * e.q)));
}

// e^x: below -120 float's answer is 0 and past 89 it is inf, which the rounding gives.
inline float exp_of(float x) {
    ExpParts e = exp_parts(clamp_keep_nan(double(x), -120, 89));
    return static_cast<float>(e.scale + e.scale * e.q);
}

inline double exp_of(double x) {
    return std::exp(x);
}
inline double tanh_of(double x) {
    return std::tanh(x);
}
// Two branches so exp never overflows: e^x / (1 + e^x) for x < 0.
inline double sigmoid_of(double x) {
    if (x >= 0) return 1 / (1 + std::exp(-x));
    double e = std::exp(x);
    return e / (1 + e);
}

}  // namespace potatolemon::detail
