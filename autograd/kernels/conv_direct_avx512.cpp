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

}  // namespace
}  // namespace potatolemon::kernels

#include "autograd/kernels/conv_direct_impl.hpp"

namespace potatolemon::kernels {

template <>
DirectKernels<float> direct_kernels_avx512<float>() {
    return make_direct_kernels<float, 16, 8, 2, 4, 6>();
}
template <>
DirectKernels<double> direct_kernels_avx512<double>() {
    return make_direct_kernels<double, 8, 8, 2, 4, 6>();
}

}  // namespace potatolemon::kernels
#endif
