// The portable direct-convolution kernels, for CPUs and compilers without a dedicated one: 16-byte
// vectors, forward tiles of 6 channels × 2 vectors, weight-gradient blocks of 2 × 6 vectors. A
// separate multiply and add, as gemm's portable kernel.
#define GEMM_TARGET

namespace potatolemon::kernels {
namespace {

template <class V>
inline V fmadd(V a, V b, V c) {
    return a * b + c;
}

}  // namespace
}  // namespace potatolemon::kernels

#include "autograd/kernels/conv_direct_impl.hpp"

namespace potatolemon::kernels {

template <>
DirectKernels<float> direct_kernels_portable<float>() {
    return make_direct_kernels<float, 4, 6, 2, 2, 6>();
}
template <>
DirectKernels<double> direct_kernels_portable<double>() {
    return make_direct_kernels<double, 2, 6, 2, 2, 6>();
}

}  // namespace potatolemon::kernels
