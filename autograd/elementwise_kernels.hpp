// Forward kernels for elementwise ops: a unary map and a broadcasting binary map, generic over the
// scalar type through a generic lambda, their variants for any dtype in and a dtype of choice out
// (comparisons), and the three-way select of `where`, each leaving a replay record under a capture
// (autograd/capture.hpp). No autograd here. Large tensors are split across the thread pool; every
// element is computed the same way whatever the thread count, so results are bitwise identical.
#pragma once
#include <algorithm>
#include <cstdint>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/kernels/thread_pool.hpp"
#include "autograd/tensor.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The elementwise loops are compiled twice on x86: for the baseline the library is built for, and
// for AVX-512 (eight doubles a vector where SSE2 holds two: tanh, sigmoid and exp run in double).
// A chunk of at least kWideLoop elements takes the AVX-512 build when gemm_isa() is avx512 (tests
// force the baseline with set_gemm_isa). Both builds do the same operations in the same order, and
// the library contracts no multiply-add (meson.build), so they give the same bits (but for the
// sign of a NaN made from two NaNs: each build may order a product's operands its own way).
#define POTATOLEMON_WIDE_LOOPS [[gnu::target("avx512f,avx512dq,avx512vl,avx512bw")]]
#endif

namespace potatolemon::detail {

// Below this many elements a kernel runs on the calling thread: waking a worker costs more.
inline constexpr std::int64_t kElementwiseGrain = 1 << 15;
// Below this many the AVX-512 loop's set-up costs more than its wider vectors save.
inline constexpr std::int64_t kWideLoop = 64;

#ifdef POTATOLEMON_WIDE_LOOPS
template <class Loop>
[[gnu::noinline]] POTATOLEMON_WIDE_LOOPS void run_wide(const Loop& loop) {
    loop();
}
#endif

// Runs loop() from its AVX-512 build when it covers at least kWideLoop elements and gemm_isa() is
// avx512, else from the baseline build. `loop` must be a lambda marked
// __attribute__((always_inline)), so that each build inlines (and vectorises) its own copy.
template <class Loop>
void wide_or_baseline([[maybe_unused]] std::int64_t count, const Loop& loop) {
#ifdef POTATOLEMON_WIDE_LOOPS
    if (count >= kWideLoop && kernels::gemm_isa() == kernels::GemmIsa::avx512)
        return run_wide(loop);
#endif
    loop();
}

// dst[i] = f(src[i]) for i < n, split across the thread pool.
template <class T, class U, class F>
void unary_kernel(const T* src, U* dst, std::int64_t n, F f) {
    kernels::parallel_for(n, kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
        wide_or_baseline(end - begin, [&]() __attribute__((always_inline)) {
            for (std::int64_t i = begin; i < end; ++i) dst[i] = f(src[i]);
        });
    });
}

// The unary maps' replay record: the same kernel on the same buffers.
template <class T, class U, class F>
struct UnaryRecord {
    static constexpr const char* name = "map_unary";
    const T* src;
    U* dst;
    std::int64_t n;
    F f;
    static void run(const UnaryRecord& r) { unary_kernel(r.src, r.dst, r.n, r.f); }
};

// out[i] = f(x[i]); f takes and returns the scalar type (float or double).
template <class F>
Tensor map_unary(const Tensor& x, F f) {
    Tensor out = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        T* dst = out.data<T>();
        unary_kernel(src, dst, x.numel(), f);
        if (capturing()) [[unlikely]]
            capture_emit(UnaryRecord<T, T, F>{src, dst, x.numel(), f}, {src}, {dst});
    });
    return out;
}

// Strides of `shape` seen from the broadcast `out` shape: 0 along broadcast dims.
std::array<std::int64_t, Shape::kMaxRank> broadcast_strides(const Shape& shape, const Shape& out);

// po[i] = f(a at i, b at i) for output positions i in [begin, end) of a broadcast, walking the
// output index like an odometer from its position at `begin`.
template <class T, class U, class F>
void broadcast_range(const T* pa, const T* pb, U* po, const Shape& out_shape,
                     const std::array<std::int64_t, Shape::kMaxRank>& sa,
                     const std::array<std::int64_t, Shape::kMaxRank>& sb, std::int64_t begin,
                     std::int64_t end, F f) {
    int rank = out_shape.rank();
    std::array<std::int64_t, Shape::kMaxRank> index{};
    std::int64_t oa = 0, ob = 0;
    std::int64_t position = begin;
    for (int d = rank - 1; d >= 0; --d) {
        index[d] = position % out_shape[d];
        position /= out_shape[d];
        oa += index[d] * sa[d];
        ob += index[d] * sb[d];
    }
    for (std::int64_t i = begin; i < end; ++i) {
        po[i] = f(pa[oa], pb[ob]);
        for (int d = rank - 1; d >= 0; --d) {
            oa += sa[d];
            ob += sb[d];
            if (++index[d] < out_shape[d]) break;
            oa -= sa[d] * out_shape[d];
            ob -= sb[d] * out_shape[d];
            index[d] = 0;
        }
    }
}

// po[i] = f(a at i, b at i) for output positions [begin, end) of the broadcast of a and b (data
// pa, pb) to `out_shape`: plain loops for the common layouts (same shapes, a one-element side, one
// row against every row), the odometer walk otherwise.
template <class T, class U, class F>
[[gnu::always_inline]] inline void binary_loops(const Shape& a, const Shape& b, const T* pa,
                                                const T* pb, U* po, const Shape& out_shape,
                                                std::int64_t begin, std::int64_t end, const F& f) {
    bool a_full = a == out_shape, b_full = b == out_shape;
    if (a_full && b_full) {  // before any numel(): each is a loop over the dims
        for (std::int64_t i = begin; i < end; ++i) po[i] = f(pa[i], pb[i]);
        return;
    }
    const std::int64_t na = a.numel(), nb = b.numel();
    if (a_full && nb == 1) {
        for (std::int64_t i = begin; i < end; ++i) po[i] = f(pa[i], pb[0]);
    } else if (b_full && na == 1) {
        for (std::int64_t i = begin; i < end; ++i) po[i] = f(pa[0], pb[i]);
    } else if (na == 1 && nb == 1) {
        for (std::int64_t i = begin; i < end; ++i) po[i] = f(pa[0], pb[0]);
    } else if (a_full && b.rank() == 1 && nb == out_shape[out_shape.rank() - 1]) {
        std::int64_t n = nb;  // one row combined with every row, as a bias
        for (std::int64_t i = begin; i < end;) {
            std::int64_t j = i % n, len = std::min(n - j, end - i);
            for (std::int64_t k = 0; k < len; ++k) po[i + k] = f(pa[i + k], pb[j + k]);
            i += len;
        }
    } else {
        broadcast_range(pa, pb, po, out_shape, broadcast_strides(a, out_shape),
                        broadcast_strides(b, out_shape), begin, end, f);
    }
}

// binary_loops from its AVX-512 build or the baseline one.
template <class T, class U, class F>
void binary_range(const Shape& a, const Shape& b, const T* pa, const T* pb, U* po,
                  const Shape& out_shape, std::int64_t begin, std::int64_t end, const F& f) {
    wide_or_baseline(end - begin, [&]() __attribute__((always_inline)) {
        binary_loops(a, b, pa, pb, po, out_shape, begin, end, f);
    });
}

// po = f(pa, pb) over the broadcast of shapes a and b to `out_shape`, split across the thread pool.
template <class T, class U, class F>
void binary_kernel(const Shape& a, const Shape& b, const T* pa, const T* pb, U* po,
                   const Shape& out_shape, F f) {
    kernels::parallel_for(out_shape.numel(), kElementwiseGrain,
                          [&](std::int64_t begin, std::int64_t end) {
                              binary_range(a, b, pa, pb, po, out_shape, begin, end, f);
                          });
}

// The binary maps' replay record. The shapes ride along whole (136 bytes each): binary_range
// picks its loop from them at every call, as eager does.
template <class T, class U, class F>
struct BinaryRecord {
    static constexpr const char* name = "map_binary";
    Shape a, b, out;
    const T *pa, *pb;
    U* po;
    F f;
    static void run(const BinaryRecord& r) {
        binary_kernel(r.a, r.b, r.pa, r.pb, r.po, r.out, r.f);
    }
};

// out = f(a, b) with numpy broadcasting to `out_shape` (already validated), a and b float32 or
// float64 alike, out of their dtype.
template <class F>
Tensor map_binary(const Tensor& a, const Tensor& b, const Shape& out_shape, F f) {
    Tensor out = empty(out_shape, a.dtype());
    dispatch(a.dtype(), [&]<class T>() {
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        T* po = out.data<T>();
        binary_kernel(a.shape(), b.shape(), pa, pb, po, out_shape, f);
        if (capturing()) [[unlikely]]
            capture_emit(BinaryRecord<T, T, F>{a.shape(), b.shape(), out_shape, pa, pb, po, f},
                         {pa, pb}, {po});
    });
    return out;
}

// As map_binary for a and b of any one dtype (int64 and bool too); out has dtype `out_dtype`,
// whose scalar type must be what f returns (bool for comparisons).
template <class F>
Tensor map_binary_to(const Tensor& a, const Tensor& b, const Shape& out_shape, Dtype out_dtype,
                     F f) {
    Tensor out = empty(out_shape, out_dtype);
    dispatch_any(a.dtype(), [&]<class T>() {
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        using U = decltype(f(T{}, T{}));
        U* po = out.data<U>();
        binary_kernel(a.shape(), b.shape(), pa, pb, po, out_shape, f);
        if (capturing()) [[unlikely]]
            capture_emit(BinaryRecord<T, U, F>{a.shape(), b.shape(), out_shape, pa, pb, po, f},
                         {pa, pb}, {po});
    });
    return out;
}

// out[i] = f(x[i]) for x of any dtype; out has dtype `out_dtype`, whose scalar type must be what f
// returns.
template <class F>
Tensor map_unary_to(const Tensor& x, Dtype out_dtype, F f) {
    Tensor out = empty(x.shape(), out_dtype);
    dispatch_any(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        using U = decltype(f(T{}));
        U* dst = out.data<U>();
        unary_kernel(src, dst, x.numel(), f);
        if (capturing()) [[unlikely]]
            capture_emit(UnaryRecord<T, U, F>{src, dst, x.numel(), f}, {src}, {dst});
    });
    return out;
}

// out = condition ? a : b elementwise, the three broadcast to `out_shape` (already validated);
// condition is bool, a and b share any one dtype, which out takes.
Tensor select(const Tensor& condition, const Tensor& a, const Tensor& b, const Shape& out_shape);

}  // namespace potatolemon::detail
