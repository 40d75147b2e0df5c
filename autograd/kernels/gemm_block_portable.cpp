// The portable block kernels, for CPUs and compilers without a dedicated one: 16-byte vectors (SSE2
// on x86-64, NEON on arm64, scalar code elsewhere), 4×8 floats and 4×4 doubles. A separate multiply
// and add instead of a fused one, so results differ from the other kernels only by rounding.
#define GEMM_TARGET

namespace potatolemon::kernels {
namespace {

template <class V>
inline V fmadd(V a, V b, V c) {
    return a * b + c;
}

}  // namespace
}  // namespace potatolemon::kernels

#include "autograd/kernels/gemm_block_impl.hpp"

namespace potatolemon::kernels {

template <>
BlockKernel<float> block_kernel_portable<float>() {
    return make_block_kernel<float, 4, 4, 2>();
}
template <>
BlockKernel<double> block_kernel_portable<double>() {
    return make_block_kernel<double, 2, 4, 2>();
}

}  // namespace potatolemon::kernels
