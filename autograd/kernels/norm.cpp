#include "autograd/kernels/norm.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

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

// sum(g[k]) and sum(g[k] (x[k] - mu)) over n elements with g = dy w (w null: 1), in double and
// in four interleaved partial sums added in a fixed order, as sums_about.
struct GradSums {
    double g = 0, g_dev = 0;
};
template <class T>
GradSums grad_sums(const T* dy, const T* x, const T* w, int64_t n, double mu) {
    double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
    int64_t k = 0;
    for (; k + 4 <= n; k += 4)
        for (int j = 0; j < 4; ++j) {
            double g = w ? static_cast<double>(dy[k + j]) * w[k + j] : dy[k + j];
            s[j] += g;
            q[j] += g * (x[k + j] - mu);
        }
    for (; k < n; ++k) {
        double g = w ? static_cast<double>(dy[k]) * w[k] : dy[k];
        s[0] += g;
        q[0] += g * (x[k] - mu);
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

template <class T>
void layer_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* weight,
                         int64_t rows, int64_t n, T* gx, T* gw, T* gb) {
    double count = static_cast<double>(n);
    if (gx)
        parallel_for(rows, grain_for(n), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const T *dys = dy + r * n, *xs = x + r * n;
                double mu = mean[r], inv = rstd[r];
                GradSums sums = weight ? grad_sums(dys, xs, weight, n, mu)
                                       : grad_sums<T>(dys, xs, nullptr, n, mu);
                double g_mean = sums.g / count, slope = inv * inv * sums.g_dev / count;
                T* out = gx + r * n;
                for (int64_t k = 0; k < n; ++k) {
                    double g = weight ? static_cast<double>(dys[k]) * weight[k] : dys[k];
                    out[k] = static_cast<T>(inv * (g - g_mean - (xs[k] - mu) * slope));
                }
            }
        });
    if (!gw && !gb) return;
    // Column sums: each thread takes a block of columns and walks every row in order, so a
    // column's sum has one order whatever the thread count. Wide blocks keep the rows' reads
    // contiguous.
    parallel_for(n, std::max<int64_t>(64, grain_for(rows)), [&](int64_t k0, int64_t k1) {
        std::vector<double> w_sum(k1 - k0, 0.0), b_sum(k1 - k0, 0.0);
        for (int64_t r = 0; r < rows; ++r) {
            const T *dys = dy + r * n + k0, *xs = x + r * n + k0;
            double mu = mean[r], inv = rstd[r];
            for (int64_t k = 0; k < k1 - k0; ++k) {
                w_sum[k] += dys[k] * ((xs[k] - mu) * inv);
                b_sum[k] += dys[k];
            }
        }
        for (int64_t k = k0; k < k1; ++k) {
            if (gw) gw[k] = static_cast<T>(w_sum[k - k0]);
            if (gb) gb[k] = static_cast<T>(b_sum[k - k0]);
        }
    });
}

template <class T>
void batch_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* weight,
                         int64_t N, int64_t C, int64_t S, bool batch_stats, T* gx, T* gw, T* gb) {
    double count = static_cast<double>(N * S);
    bool need_sums = gw || gb || (gx && batch_stats);
    parallel_for(C, grain_for(N * S), [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
            double mu = mean[c], inv = rstd[c], w = weight ? weight[c] : 1.0;
            GradSums sums;
            for (int64_t n = 0; need_sums && n < N; ++n) {
                GradSums part =
                    grad_sums<T>(dy + (n * C + c) * S, x + (n * C + c) * S, nullptr, S, mu);
                sums.g += part.g;
                sums.g_dev += part.g_dev;
            }
            if (gw) gw[c] = static_cast<T>(sums.g_dev * inv);
            if (gb) gb[c] = static_cast<T>(sums.g);
            if (!gx) continue;
            double scale = inv * w;
            double g_mean = batch_stats ? sums.g / count : 0;
            double slope = batch_stats ? inv * inv * sums.g_dev / count : 0;
            for (int64_t n = 0; n < N; ++n) {
                const T *dys = dy + (n * C + c) * S, *xs = x + (n * C + c) * S;
                T* out = gx + (n * C + c) * S;
                for (int64_t s = 0; s < S; ++s)
                    out[s] = static_cast<T>(scale * (dys[s] - g_mean - (xs[s] - mu) * slope));
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
    template void norm_backward<T>(const T*, const T*, int64_t, int64_t, int64_t, double, T*);  \
    template void layer_norm_backward<T>(const T*, const T*, const T*, const T*, const T*,      \
                                         int64_t, int64_t, T*, T*, T*);                         \
    template void batch_norm_backward<T>(const T*, const T*, const T*, const T*, const T*,      \
                                         int64_t, int64_t, int64_t, bool, T*, T*, T*);
POTATOLEMON_NORM_KERNELS(float)
POTATOLEMON_NORM_KERNELS(double)
#undef POTATOLEMON_NORM_KERNELS

}  // namespace potatolemon::kernels
