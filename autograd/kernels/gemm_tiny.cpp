// Built without auto-vectorisation (see meson.build): for these few short loops its set-up costs
// more than the arithmetic. K = 1..4, the common case of small layers, is unrolled in full.
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

}  // namespace

template <class T>
void gemm_tiny(const Problem<T>& p) {
    switch (p.K) {
        case 1: return each_output(p, dot_fixed<T, 1>);
        case 2: return each_output(p, dot_fixed<T, 2>);
        case 3: return each_output(p, dot_fixed<T, 3>);
        case 4: return each_output(p, dot_fixed<T, 4>);
        default: return each_output(p, dot_any<T>);
    }
}

template void gemm_tiny<float>(const Problem<float>&);
template void gemm_tiny<double>(const Problem<double>&);

}  // namespace potatolemon::kernels
