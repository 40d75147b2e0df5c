// Raw kernels of the normalisation ops (ops_norm.cpp) over contiguous row-major data: the mean and
// biased variance of each group in double for both dtypes, two passes (the mean, then squared
// deviations from it) so a large common offset costs no precision. No autograd here.
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// x seen as [rows, n]: per row mean[r] and rstd[r] = 1 / sqrt(biased var + eps), and
// y = (x - mean) rstd weight + bias, with weight and bias of n elements or null (1 and 0).
// Rows are split across threads, each row computed by one.
template <class T>
void layer_norm(const T* x, const T* weight, const T* bias, int64_t rows, int64_t n, double eps,
                T* y, T* mean, T* rstd);

// x seen as [N, C, S]: per channel c the mean and biased variance of its N * S values (NaN when
// there are none). Channels are split across threads, each computed by one.
template <class T>
void batch_norm_stats(const T* x, int64_t N, int64_t C, int64_t S, double* mean, double* var);

// y[n, c, s] = x[n, c, s] scale[c] + shift[c], evaluated in double.
template <class T>
void batch_norm_apply(const T* x, int64_t N, int64_t C, int64_t S, const double* scale,
                      const double* shift, T* y);

}  // namespace potatolemon::kernels
