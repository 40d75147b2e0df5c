// Packing for the block kernels (the PackFn contract in gemm_block.hpp), compiled for each ISA
// like the kernel. Row-major operands come in two layouts: x contiguous (copied a row of k at a
// time) or k contiguous, which is a transpose, done W×W elements at a time in registers.
// Not a public header: included, through gemm_block_impl.hpp, by gemm_block_<isa>.cpp.
#pragma once
#include <cstdint>

#include "autograd/kernels/gemm_simd_impl.hpp"

namespace potatolemon::kernels {
namespace {

// One panel of w <= width rows whose k run contiguously (stride_k = 1), in W×W blocks: W is the
// widest vector that divides the panel width (an A sliver may be narrower than a register).
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void pack_transposed(const T* src, int64_t stride_x,
                                                               int64_t w, int64_t kc,
                                                               int64_t width, T* dst) {
    if constexpr (W > 4) {
        if (width % W != 0) return pack_transposed<T, W / 2>(src, stride_x, w, kc, width, dst);
    }
    int64_t x_blocks = width % W == 0 ? w / W * W : 0, k_blocks = kc / W * W;
    for (int64_t x0 = 0; x0 < x_blocks; x0 += W)
        for (int64_t k0 = 0; k0 < k_blocks; k0 += W)
            transpose_block<T, W>(src + x0 * stride_x + k0, stride_x, dst + k0 * width + x0, width);
    for (int64_t k = 0; k < kc; ++k)
        for (int64_t x = k < k_blocks ? x_blocks : 0; x < width; ++x)
            dst[k * width + x] = x < w ? src[x * stride_x + k] : T(0);
}

// dst[0..w) = src[0..w) in vectors of the widest V <= W lanes that fit, the last one overlapping
// the one before: an A sliver row is 4-8 elements, where a memcpy call costs more than the copy.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void copy_row(const T* src, int64_t w, T* dst) {
    if constexpr (W > 1) {
        if (w < W) return copy_row<T, W / 2>(src, w, dst);
    }
    for (int64_t x = 0; x + W <= w; x += W) Simd<T, W>::store(dst + x, Simd<T, W>::load(src + x));
    if (w % W != 0) Simd<T, W>::store(dst + w - W, Simd<T, W>::load(src + w - W));
}

// One panel of w <= width rows, any strides.
template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void pack_panel(const T* src, int64_t stride_x,
                                                          int64_t stride_k, int64_t w, int64_t kc,
                                                          int64_t width, T* dst) {
    if (stride_k == 1) return pack_transposed<T, W>(src, stride_x, w, kc, width, dst);
    for (int64_t k = 0; k < kc; ++k, dst += width, src += stride_k) {
        if (stride_x == 1 && w == width && width % W == 0) {
            for (int64_t x = 0; x < width; x += W)
                Simd<T, W>::store(dst + x, Simd<T, W>::load(src + x));
        } else if (stride_x == 1) {
            copy_row<T, W>(src, w, dst);
        } else {
            for (int64_t x = 0; x < w; ++x) dst[x] = src[x * stride_x];
        }
        for (int64_t x = w; x < width; ++x) dst[x] = T(0);
    }
}

template <class T, int W>
GEMM_TARGET [[gnu::always_inline]] inline void pack_panels(const T* src, int64_t stride_x,
                                                           int64_t stride_k, int64_t rows,
                                                           int64_t kc, int64_t width, T* dst) {
    for (int64_t x0 = 0; x0 < rows; x0 += width, dst += kc * width) {
        int64_t w = rows - x0 < width ? rows - x0 : width;
        pack_panel<T, W>(src + x0 * stride_x, stride_x, stride_k, w, kc, width, dst);
    }
}

}  // namespace
}  // namespace potatolemon::kernels
