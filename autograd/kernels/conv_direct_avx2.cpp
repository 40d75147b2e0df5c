// The AVX2+FMA direct-convolution kernels: forward tiles of 6 channels × 2 vectors, weight-gradient
// blocks of 2 × 6 vectors (12 ymm accumulators of the 16). Compiled for AVX2 function by function,
// so the library still builds for baseline x86-64.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define GEMM_TARGET [[gnu::target("avx2,fma")]]

namespace potatolemon::kernels {
namespace {

typedef float F8 __attribute__((vector_size(32)));
typedef double D4 __attribute__((vector_size(32)));

GEMM_TARGET [[gnu::always_inline]] inline F8 fmadd(F8 a, F8 b, F8 c) {
    return _mm256_fmadd_ps(a, b, c);
}
GEMM_TARGET [[gnu::always_inline]] inline D4 fmadd(D4 a, D4 b, D4 c) {
    return _mm256_fmadd_pd(a, b, c);
}

}  // namespace
}  // namespace potatolemon::kernels

#include "autograd/kernels/conv_direct_impl.hpp"

namespace potatolemon::kernels {

template <>
DirectKernels<float> direct_kernels_avx2<float>() {
    return make_direct_kernels<float, 8, 6, 2, 2, 6>();
}
template <>
DirectKernels<double> direct_kernels_avx2<double>() {
    return make_direct_kernels<double, 4, 6, 2, 2, 6>();
}

}  // namespace potatolemon::kernels
#endif
