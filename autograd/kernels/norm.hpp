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

// x and g seen as [N, C, S], statistics per channel c over its N * S values (layer_norm's rows are
// [1, rows, n]): out = rstd (g - mean(g)) - rstd^3 mean(g (x - mean)) (x - mean), the input
// gradient of normalising x given g = grad_out * weight. Channels are split across threads.
template <class T>
void norm_backward(const T* g, const T* x, int64_t N, int64_t C, int64_t S, double eps, T* out);

// The first-order backward of layer_norm from its saved per-row mean and rstd, x and dy seen as
// [rows, n], weight of n elements or null (1). With xhat = (x - mean) rstd and g = dy weight:
// gx = rstd (g - mean(g) - xhat mean(g xhat)) per row, gw = sum over rows of dy xhat and
// gb = sum over rows of dy. A null output is not computed. Rows (gx) and columns (gw, gb) are
// split across threads, each value summed by one thread in a fixed order.
template <class T>
void layer_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* weight,
                         int64_t rows, int64_t n, T* gx, T* gw, T* gb);

// The first-order backward of batch_norm from its saved per-channel mean and rstd, x and dy seen
// as [N, C, S], weight of C elements or null (1). gw[c] = sum(dy xhat) and gb[c] = sum(dy) over
// the channel; gx = rstd w (dy - mean(dy) - xhat mean(dy xhat)) with batch statistics, or
// rstd w dy when the statistics were constants (running stats). A null output is not computed.
// Channels are split across threads, each computed by one.
template <class T>
void batch_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* weight,
                         int64_t N, int64_t C, int64_t S, bool batch_stats, T* gx, T* gw, T* gb);

}  // namespace potatolemon::kernels
