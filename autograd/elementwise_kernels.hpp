// Forward kernels for elementwise ops: a unary map and a broadcasting binary map, generic over the
// scalar type through a generic lambda. No autograd here; ops_elementwise.cpp records the tape.
#pragma once
#include <cstdint>

#include "autograd/factories.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon::detail {

// out[i] = f(x[i]); f takes and returns the scalar type (float or double).
template <class F>
Tensor map_unary(const Tensor& x, F f) {
    Tensor out = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        T* dst = out.data<T>();
        for (std::int64_t i = 0, n = x.numel(); i < n; ++i) dst[i] = f(src[i]);
    });
    return out;
}

// Strides of `shape` seen from the broadcast `out` shape: 0 along broadcast dims.
std::array<std::int64_t, Shape::kMaxRank> broadcast_strides(const Shape& shape, const Shape& out);

// out = f(a, b) with numpy broadcasting to `out_shape` (already validated).
template <class F>
Tensor map_binary(const Tensor& a, const Tensor& b, const Shape& out_shape, F f) {
    Tensor out = empty(out_shape, a.dtype());
    dispatch(a.dtype(), [&]<class T>() {
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        T* po = out.data<T>();
        std::int64_t n = out.numel();
        if (a.shape() == out_shape && b.shape() == out_shape) {
            for (std::int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
        } else if (b.numel() == 1 && a.shape() == out_shape) {
            for (std::int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[0]);
        } else if (a.numel() == 1 && b.shape() == out_shape) {
            for (std::int64_t i = 0; i < n; ++i) po[i] = f(pa[0], pb[i]);
        } else {
            auto sa = broadcast_strides(a.shape(), out_shape);
            auto sb = broadcast_strides(b.shape(), out_shape);
            int rank = out_shape.rank();
            std::array<std::int64_t, Shape::kMaxRank> index{};
            std::int64_t oa = 0, ob = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                po[i] = f(pa[oa], pb[ob]);
                for (int d = rank - 1; d >= 0; --d) {  // odometer step over the output index
                    oa += sa[d];
                    ob += sb[d];
                    if (++index[d] < out_shape[d]) break;
                    oa -= sa[d] * out_shape[d];
                    ob -= sb[d] * out_shape[d];
                    index[d] = 0;
                }
            }
        }
    });
    return out;
}

}  // namespace potatolemon::detail
