#include "autograd/kernels/norm.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {

namespace {
constexpr int64_t kGrain = 1 << 15;  // elements per thread-pool chunk, as the other kernels

// Items of `size` elements each per chunk, so a chunk holds about kGrain elements.
int64_t grain_for(int64_t size) {
    return std::max<int64_t>(1, kGrain / std::max<int64_t>(size, 1));
}

// sum(p[k] - shift) and sum((p[k] - shift)^2) over n elements in double, in four interleaved
// partial sums added in a fixed order: the additions overlap (about 3x a single chain's speed)
// and the result does not depend on the thread count.
struct Sums {
    double sum = 0, squares = 0;
};
template <class T>
Sums sums_about(const T* p, int64_t n, double shift) {
    double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
    int64_t k = 0;
    for (; k + 4 <= n; k += 4)
        for (int j = 0; j < 4; ++j) {
            double d = p[k + j] - shift;
            s[j] += d;
            q[j] += d * d;
        }
    for (; k < n; ++k) {
        double d = p[k] - shift;
        s[0] += d;
        q[0] += d * d;
    }
    return {(s[0] + s[1]) + (s[2] + s[3]), (q[0] + q[1]) + (q[2] + q[3])};
}
}  // namespace

template <class T>
void layer_norm(const T* x, const T* weight, const T* bias, int64_t rows, int64_t n, double eps,
                T* y, T* mean, T* rstd) {
    parallel_for(rows, grain_for(n), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const T* row = x + r * n;
            // Two passes: the mean, then squares of deviations from it (no cancellation).
            double mu = n > 0 ? sums_about(row, n, 0).sum / static_cast<double>(n) : 0;
            double var = n > 0 ? sums_about(row, n, mu).squares / static_cast<double>(n) : 0;
            double inv = 1 / std::sqrt(var + eps);
            mean[r] = static_cast<T>(mu);
            rstd[r] = static_cast<T>(inv);
            T* out = y + r * n;
            for (int64_t k = 0; k < n; ++k) {
                double v = (row[k] - mu) * inv;
                if (weight) v *= weight[k];
                if (bias) v += bias[k];
                out[k] = static_cast<T>(v);
            }
        }
    });
}

template <class T>
void batch_norm_stats(const T* x, int64_t N, int64_t C, int64_t S, double* mean, double* var) {
    parallel_for(C, grain_for(N * S), [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
            double total = 0, squares = 0;
            for (int64_t n = 0; n < N; ++n) total += sums_about(x + (n * C + c) * S, S, 0).sum;
            double count = static_cast<double>(N * S);
            double mu = count > 0 ? total / count : NAN;
            for (int64_t n = 0; n < N; ++n)
                squares += sums_about(x + (n * C + c) * S, S, mu).squares;
            mean[c] = mu;
            var[c] = count > 0 ? squares / count : NAN;
        }
    });
}

template <class T>
void batch_norm_apply(const T* x, int64_t N, int64_t C, int64_t S, const double* scale,
                      const double* shift, T* y) {
    parallel_for(N * C, grain_for(S), [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
            double a = scale[p % C], b = shift[p % C];
            const T* in = x + p * S;
            T* out = y + p * S;
            for (int64_t s = 0; s < S; ++s) out[s] = static_cast<T>(in[s] * a + b);
        }
    });
}

template <class T>
void norm_backward(const T* g, const T* x, int64_t N, int64_t C, int64_t S, double eps, T* out) {
    double count = static_cast<double>(N * S);
    if (count == 0) return;
    parallel_for(C, grain_for(N * S), [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
            double total = 0, squares = 0, g_total = 0, g_dev = 0;
            for (int64_t n = 0; n < N; ++n) total += sums_about(x + (n * C + c) * S, S, 0).sum;
            double mu = total / count;
            for (int64_t n = 0; n < N; ++n) {
                const T* xs = x + (n * C + c) * S;
                const T* gs = g + (n * C + c) * S;
                squares += sums_about(xs, S, mu).squares;
                for (int64_t s = 0; s < S; ++s) {
                    g_total += gs[s];
                    g_dev += gs[s] * (xs[s] - mu);
                }
            }
            double r = 1 / std::sqrt(squares / count + eps), g_mean = g_total / count;
            double slope = r * r * r * g_dev / count;
            for (int64_t n = 0; n < N; ++n) {
                const T* xs = x + (n * C + c) * S;
                const T* gs = g + (n * C + c) * S;
                T* os = out + (n * C + c) * S;
                for (int64_t s = 0; s < S; ++s)
                    os[s] = static_cast<T>(r * (gs[s] - g_mean) - slope * (xs[s] - mu));
            }
        }
    });
}

#define POTATOLEMON_NORM_KERNELS(T)                                                             \
    template void layer_norm<T>(const T*, const T*, const T*, int64_t, int64_t, double, T*, T*, \
                                T*);                                                            \
    template void batch_norm_stats<T>(const T*, int64_t, int64_t, int64_t, double*, double*);   \
    template void batch_norm_apply<T>(const T*, int64_t, int64_t, int64_t, const double*,       \
                                      const double*, T*);                                       \
    template void norm_backward<T>(const T*, const T*, int64_t, int64_t, int64_t, double, T*);
POTATOLEMON_NORM_KERNELS(float)
POTATOLEMON_NORM_KERNELS(double)
#undef POTATOLEMON_NORM_KERNELS

}  // namespace potatolemon::kernels
