// The AVX-512 direct-convolution kernels: forward tiles of 8 channels × 2 vectors, weight-gradient
// blocks of 4 × 6 vectors (24 zmm accumulators of the 32). Compiled for AVX-512F function by
// function, so the library still builds for baseline x86-64.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define GEMM_TARGET [[gnu::target("avx512f")]]

namespace potatolemon::kernels {
namespace {

typedef float F16 __attribute__((vector_size(64)));
typedef double D8 __attribute__((vector_size(64)));

GEMM_TARGET [[gnu::always_inline]] inline F16 fmadd(F16 a, F16 b, F16 c) {
    return _mm512_fmadd_ps(a, b, c);
}
GEMM_TARGET [[gnu::always_inline]] inline D8 fmadd(D8 a, D8 b, D8 c) {
    return _mm512_fmadd_pd(a, b, c);
}
// Masked stores: a row's last few outputs cost one instruction instead of a scalar loop.
GEMM_TARGET [[gnu::always_inline]] inline void store_lanes(float* p, F16 v, int n) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), static_cast<__m512>(v));
}
GEMM_TARGET [[gnu::always_inline]] inline void store_lanes(double* p, D8 v, int n) {
    _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << n) - 1), static_cast<__m512d>(v));
}

GEMM_TARGET [[gnu::always_inline]] inline F16 load_lanes(const float* p, int n, F16) {
    return static_cast<F16>(_mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p));
}
GEMM_TARGET [[gnu::always_inline]] inline D8 load_lanes(const double* p, int n, D8) {
    return static_cast<D8>(_mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << n) - 1), p));
}

}  // namespace
}  // namespace potatolemon::kernels

#include "autograd/kernels/conv_direct_impl.hpp"

namespace potatolemon::kernels {

template <>
DirectKernels<float> direct_kernels_avx512<float>() {
    return make_direct_kernels<float, 16, 8, 2, 4, 6, 12>();
}
template <>
DirectKernels<double> direct_kernels_avx512<double>() {
    return make_direct_kernels<double, 8, 8, 2, 4, 6, 12>();
}

}  // namespace potatolemon::kernels
#endif
