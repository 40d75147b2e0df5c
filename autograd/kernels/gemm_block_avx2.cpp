// The AVX2+FMA block kernels: 6×16 floats and 6×8 doubles, 12 ymm accumulators of the 16.
// Compiled for AVX2 function by function, so the library still builds for baseline x86-64.
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

#include "autograd/kernels/gemm_block_impl.hpp"

namespace potatolemon::kernels {

template <>
BlockKernel<float> block_kernel_avx2<float>() {
    return make_block_kernel<float, 8, 6, 2>();
}
template <>
BlockKernel<double> block_kernel_avx2<double>() {
    return make_block_kernel<double, 4, 6, 2>();
}

}  // namespace potatolemon::kernels
#endif
