// Built without auto-vectorisation (see meson.build): for these few short loops its set-up costs
// more than the arithmetic. Products with N = 1..4 columns (small layers' outputs, and their
// weight gradients) keep a row of sums in registers; the others take one dot product per element,
// unrolled in full for K = 1..4.
#include "autograd/kernels/gemm_tiny.hpp"

namespace potatolemon::kernels {
namespace {

template <class T, int K>
T dot_fixed(const T* a, int64_t a_step, const T* b, int64_t b_step, int64_t) {
    T sum = 0;
    for (int k = 0; k < K; ++k) sum += a[k * a_step] * b[k * b_step];
    return sum;
}

template <class T>
T dot_any(const T* a, int64_t a_step, const T* b, int64_t b_step, int64_t K) {
    T sum = 0;
    for (int64_t k = 0; k < K; ++k) sum += a[k * a_step] * b[k * b_step];
    return sum;
}

template <class T, class Dot>
void each_output(const Problem<T>& p, Dot dot) {
    for (int64_t i = 0; i < p.M; ++i) {
        T* c = p.c.p + i * p.c.rs;
        for (int64_t j = 0; j < p.N; ++j) {
            T sum = dot(p.a.p + i * p.a.rs, p.a.cs, p.b.p + j * p.b.cs, p.b.rs, p.K);
            c[j] = p.accumulate ? c[j] + sum : sum;
        }
    }
}

// One row of C at a time with its N = 1..4 sums in registers, so each a[i, k] is read once for
// all of them; each sum is the same k-ordered one as a dot product's above. With K = 1..4 too,
// op(B) is read once, into registers, for every row.
template <class T, int N, int K, bool accumulate>
void rows_fixed(const Problem<T>& p) {
    T b[K][N];
    for (int k = 0; k < K; ++k)
        for (int j = 0; j < N; ++j) b[k][j] = p.b.p[k * p.b.rs + j * p.b.cs];
    const T* a = p.a.p;
    T* c = p.c.p;
    const int64_t a_rs = p.a.rs, a_cs = p.a.cs, c_rs = p.c.rs;
    for (int64_t i = 0; i < p.M; ++i, a += a_rs, c += c_rs) {
        T sum[N] = {};
        for (int k = 0; k < K; ++k) {
            const T a_ik = a[k * a_cs];
            for (int j = 0; j < N; ++j) sum[j] += a_ik * b[k][j];
        }
        for (int j = 0; j < N; ++j) c[j] = accumulate ? c[j] + sum[j] : sum[j];
    }
}

template <class T, int N, int K>
void rows_fixed(const Problem<T>& p) {
    if (p.accumulate) return rows_fixed<T, N, K, true>(p);
    rows_fixed<T, N, K, false>(p);
}

template <class T, int N>
void each_row(const Problem<T>& p) {
    switch (p.K) {
        case 1:
            return rows_fixed<T, N, 1>(p);
        case 2:
            return rows_fixed<T, N, 2>(p);
        case 3:
            return rows_fixed<T, N, 3>(p);
        case 4:
            return rows_fixed<T, N, 4>(p);
    }
    const T* a = p.a.p;
    T* c = p.c.p;
    const T* b = p.b.p;
    const int64_t b_rs = p.b.rs, b_cs = p.b.cs, a_cs = p.a.cs, K = p.K;
    for (int64_t i = 0; i < p.M; ++i, a += p.a.rs, c += p.c.rs) {
        T sum[N] = {};
        for (int64_t k = 0; k < K; ++k) {
            const T a_ik = a[k * a_cs];
            for (int j = 0; j < N; ++j) sum[j] += a_ik * b[k * b_rs + j * b_cs];
        }
        for (int j = 0; j < N; ++j) c[j] = p.accumulate ? c[j] + sum[j] : sum[j];
    }
}

}  // namespace

template <class T>
void gemm_tiny(const Problem<T>& p) {
    switch (p.N) {
        case 1:
            return each_row<T, 1>(p);
        case 2:
            return each_row<T, 2>(p);
        case 3:
            return each_row<T, 3>(p);
        case 4:
            return each_row<T, 4>(p);
    }
    switch (p.K) {
        case 1:
            return each_output(p, dot_fixed<T, 1>);
        case 2:
            return each_output(p, dot_fixed<T, 2>);
        case 3:
            return each_output(p, dot_fixed<T, 3>);
        case 4:
            return each_output(p, dot_fixed<T, 4>);
        default:
            return each_output(p, dot_any<T>);
    }
}

template void gemm_tiny<float>(const Problem<float>&);
template void gemm_tiny<double>(const Problem<double>&);

}  // namespace potatolemon::kernels
