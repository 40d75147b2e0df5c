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
}  // namespace

template <class T>
void layer_norm(const T* x, const T* weight, const T* bias, int64_t rows, int64_t n, double eps,
                T* y, T* mean, T* rstd) {
    parallel_for(rows, grain_for(n), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const T* row = x + r * n;
            double total = 0;
            for (int64_t k = 0; k < n; ++k) total += row[k];
            double mu = n > 0 ? total / static_cast<double>(n) : 0;
            double squares = 0;
            for (int64_t k = 0; k < n; ++k) {
                double d = row[k] - mu;
                squares += d * d;
            }
            double inv = 1 / std::sqrt((n > 0 ? squares / static_cast<double>(n) : 0) + eps);
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
            double total = 0;
            for (int64_t n = 0; n < N; ++n) {
                const T* plane = x + (n * C + c) * S;
                for (int64_t s = 0; s < S; ++s) total += plane[s];
            }
            double count = static_cast<double>(N * S);
            double mu = count > 0 ? total / count : NAN;
            double squares = 0;
            for (int64_t n = 0; n < N; ++n) {
                const T* plane = x + (n * C + c) * S;
                for (int64_t s = 0; s < S; ++s) {
                    double d = plane[s] - mu;
                    squares += d * d;
                }
            }
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

#define POTATOLEMON_NORM_KERNELS(T)                                                             \
    template void layer_norm<T>(const T*, const T*, const T*, int64_t, int64_t, double, T*, T*, \
                                T*);                                                            \
    template void batch_norm_stats<T>(const T*, int64_t, int64_t, int64_t, double*, double*);   \
    template void batch_norm_apply<T>(const T*, int64_t, int64_t, int64_t, const double*,       \
                                      const double*, T*);
POTATOLEMON_NORM_KERNELS(float)
POTATOLEMON_NORM_KERNELS(double)
#undef POTATOLEMON_NORM_KERNELS

}  // namespace potatolemon::kernels
