// The AVX-512 block kernels: 8×32 floats and 8×16 doubles, 16 zmm accumulators of the 32.
// Compiled for AVX-512F function by function, so the library still builds for baseline x86-64.
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

#include "autograd/kernels/gemm_block_impl.hpp"

namespace potatolemon::kernels {

template <>
BlockKernel<float> block_kernel_avx512<float>() {
    return make_block_kernel<float, 16, 8, 2>();
}
template <>
BlockKernel<double> block_kernel_avx512<double>() {
    return make_block_kernel<double, 8, 8, 2>();
}

}  // namespace potatolemon::kernels
#endif
