// The disjoint 2×2 max-pool (the CNN's pooling) as a tournament, and relu_max_pool2d's fused
// kernels on the same loops: values, and gradients found again from the pooled input.
#include <bit>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "autograd/kernels/pool.hpp"
#include "autograd/kernels/pool_planes.hpp"

namespace potatolemon::kernels {

namespace {

// Disjoint 2×2 windows as a tournament: within each row a against b and c against d, then the
// two rows' winners, a later element winning if greater or NaN. That picks the element the fold
// over a, b, c, d picks (the first of the greatest, else the last NaN), and each step is a loop
// over a whole plane or row: long enough to vectorise, where a window's row has 7 or 14.
template <class T>
using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
[[gnu::always_inline]] inline Bits<T> later_wins(T held, T v) {
    return Bits<T>(0) - Bits<T>((v > held) | (v != v));
}

template <class T>
[[gnu::always_inline]] inline T pick(Bits<T> take_b, T b, T a) {
    return std::bit_cast<T>((std::bit_cast<Bits<T>>(b) & take_b) |
                            (std::bit_cast<Bits<T>>(a) & ~take_b));
}

// Scratch for one plane: each column pair's winner, whether it was the right one, and the
// gradient each pair receives.
template <class T>
struct PairScratch {
    std::vector<T> winner, grad;
    std::vector<Bits<T>> right;
    explicit PairScratch(std::int64_t pairs) : winner(pairs), grad(pairs), right(pairs) {}
};

// relu's value as autograd's relu computes it: v < 0 gives +0; -0 and NaN pass. Picked with bit
// masks, as later_wins: a `?:` here compiled to a branch, which mispredicts about once in two.
template <class T>
[[gnu::always_inline]] inline T relu_value(T v) {
    return pick(Bits<T>(0) - Bits<T>(v < T(0)), T(0), v);
}

template <bool kRelu, class T>
[[gnu::always_inline]] inline void pair_loop(const T* row, std::int64_t n, T* winner,
                                             Bits<T>* right) {
    for (std::int64_t k = 0; k < n; ++k) {
        T a = row[2 * k], b = row[2 * k + 1];
        if constexpr (kRelu) a = relu_value(a), b = relu_value(b);
        right[k] = later_wins(a, b);
        winner[k] = pick(right[k], b, a);
    }
}

template <bool kRelu, class T>
void pair_run(const T* row, std::int64_t n, T* winner, Bits<T>* right) {
    pair_loop<kRelu>(row, n, winner, right);
}

#if defined(__x86_64__) || defined(__i386__)
// The same loop in AVX2, for a whole plane's pairs at once (392 of them in the CNN's first layer):
// bench_pool's 2×2 max-pool forward and backward of the CNN's maps take 12-20% less time. The
// loops over one row's 7 or 14 windows stay in the baseline's 4-lane vectors (in AVX2's 8 lanes,
// 7 of them are a scalar tail, and the second layer's pooling got slower).
template <bool kRelu, class T>
[[gnu::target("avx2")]] void pair_run_avx2(const T* row, std::int64_t n, T* winner,
                                           Bits<T>* right) {
    pair_loop<kRelu>(row, n, winner, right);
}
#endif

// Whether the flat plane loops take their AVX2 copies (chosen once a kernel call).
bool wide_loops() {
#if defined(__x86_64__) || defined(__i386__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2;
#else
    return false;
#endif
}

// The winners of the column pairs of `rows` rows: pairs out_w to a row. kRelu: of relu(src).
template <bool kRelu, class T>
void pair_winners(const T* src, std::int64_t rows, std::int64_t in_w, std::int64_t out_w,
                  PairScratch<T>& s, bool wide) {
    if (in_w == 2 * out_w) {
#if defined(__x86_64__) || defined(__i386__)
        if (wide) return pair_run_avx2<kRelu>(src, rows * out_w, s.winner.data(), s.right.data());
#endif
        return pair_run<kRelu>(src, rows * out_w, s.winner.data(), s.right.data());
    }
    (void)wide;
    for (std::int64_t r = 0; r < rows; ++r)
        pair_run<kRelu>(src + r * in_w, out_w, s.winner.data() + r * out_w,
                        s.right.data() + r * out_w);
}

// For every plane, the winners of its column pairs into a scratch (one per thread's range of
// planes), then per_plane(plane, scratch, wide).
template <bool kRelu, class T, class PerPlane>
void each_plane_pairs(const Pool2dGeometry& geometry, const T* in, const PerPlane& per_plane) {
    const Pool2dGeometry g = geometry;
    const bool wide = wide_loops();
    for_plane_ranges(g, [&, g](std::int64_t p0, std::int64_t p1) {
        PairScratch<T> s(2 * g.out_h * g.out_w);
        for (std::int64_t p = p0; p < p1; ++p) {
            pair_winners<kRelu>(in + p * g.in_h * g.in_w, 2 * g.out_h, g.in_w, g.out_w, s, wide);
            per_plane(p, s, wide);
        }
    });
}

template <bool kRelu, class T>
void disjoint_2x2_values(const Pool2dGeometry& g, const T* in, T* out) {
    each_plane_pairs<kRelu>(g, in, [&](std::int64_t p, PairScratch<T>& s, bool) {
        T* dst = out + p * g.out_h * g.out_w;
        for (std::int64_t oh = 0; oh < g.out_h; ++oh, dst += g.out_w) {
            const T* top = s.winner.data() + 2 * oh * g.out_w;
            const T* bottom = top + g.out_w;
            for (std::int64_t ow = 0; ow < g.out_w; ++ow)
                dst[ow] = pick(later_wins(top[ow], bottom[ow]), bottom[ow], top[ow]);
        }
    });
}

// Each window's gradient, 0 + grad (as zeros += grad gives: -0 becomes +0), to the winning row's
// pair; +0 to the other. kRelu: the winners are of relu(in), and a window whose max is <= 0 sends
// +0 (threshold_backward's mask: the max's relu is <= 0 exactly when its input is).
template <bool kRelu, class T>
void grads_to_rows(const Pool2dGeometry& g, const T* grad, PairScratch<T>& s) {
    for (std::int64_t oh = 0; oh < g.out_h; ++oh, grad += g.out_w) {
        const T* top = s.winner.data() + 2 * oh * g.out_w;
        const T* bottom = top + g.out_w;
        T* to_top = s.grad.data() + 2 * oh * g.out_w;
        T* to_bottom = to_top + g.out_w;
        for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
            Bits<T> down = later_wins(top[ow], bottom[ow]);
            T share = T(0) + grad[ow];
            if constexpr (kRelu) {
                const T max = pick(down, bottom[ow], top[ow]);
                share = pick(Bits<T>(0) - Bits<T>(max <= T(0)), T(0), share);
            }
            to_top[ow] = pick(down, T(0), share);
            to_bottom[ow] = pick(down, share, T(0));
        }
    }
}

template <class T>
[[gnu::always_inline]] inline void columns_loop(const T* grad, const Bits<T>* right, std::int64_t n,
                                                T* row) {
    for (std::int64_t k = 0; k < n; ++k) {
        row[2 * k] = pick(right[k], T(0), grad[k]);
        row[2 * k + 1] = pick(right[k], grad[k], T(0));
    }
}

template <class T>
void columns_run(const T* grad, const Bits<T>* right, std::int64_t n, T* row) {
    columns_loop(grad, right, n, row);
}

#if defined(__x86_64__) || defined(__i386__)
template <class T>
[[gnu::target("avx2")]] void columns_run_avx2(const T* grad, const Bits<T>* right, std::int64_t n,
                                              T* row) {
    columns_loop(grad, right, n, row);
}
#endif

// Each pair's gradient to its winning column, +0 to the other; odd last rows and columns are in
// no window and get +0.
template <class T>
void grads_to_columns(const Pool2dGeometry& g, const PairScratch<T>& s, T* dst, bool wide) {
    auto run = columns_run<T>;
#if defined(__x86_64__) || defined(__i386__)
    if (wide) run = columns_run_avx2<T>;
#endif
    std::int64_t rows = 2 * g.out_h;
    if (g.in_w == 2 * g.out_w) {
        run(s.grad.data(), s.right.data(), rows * g.out_w, dst);
    } else {
        for (std::int64_t r = 0; r < rows; ++r) {
            T* row = dst + r * g.in_w;
            run(s.grad.data() + r * g.out_w, s.right.data() + r * g.out_w, g.out_w, row);
            row[g.in_w - 1] = T(0);
        }
    }
    std::fill(dst + rows * g.in_w, dst + g.in_h * g.in_w, T(0));
}

}  // namespace

template <class T>
void max_pool2d_disjoint_2x2(const Pool2dGeometry& g, const T* in, T* out) {
    disjoint_2x2_values<false>(g, in, out);
}

namespace {
template <bool kRelu, class T>
void disjoint_2x2_backward(const Pool2dGeometry& g, const T* in, const T* grad_out, T* grad_in) {
    each_plane_pairs<kRelu>(g, in, [&](std::int64_t p, PairScratch<T>& s, bool wide) {
        grads_to_rows<kRelu>(g, grad_out + p * g.out_h * g.out_w, s);
        grads_to_columns(g, s, grad_in + p * g.in_h * g.in_w, wide);
    });
}
}  // namespace

template <class T>
void max_pool2d_backward_2x2(const Pool2dGeometry& g, const T* in, const T* grad_out, T* grad_in) {
    disjoint_2x2_backward<false>(g, in, grad_out, grad_in);
}

template <class T>
void relu_max_pool2d_2x2(const Pool2dGeometry& g, const T* in, T* out) {
    disjoint_2x2_values<true>(g, in, out);
}

template <class T>
void relu_max_pool2d_backward_2x2(const Pool2dGeometry& g, const T* in, const T* grad_out,
                                  T* grad_in) {
    disjoint_2x2_backward<true>(g, in, grad_out, grad_in);
}

#define POTATOLEMON_POOL_2X2_KERNELS(T)                                                      \
    template void max_pool2d_disjoint_2x2<T>(const Pool2dGeometry&, const T*, T*);           \
    template void max_pool2d_backward_2x2<T>(const Pool2dGeometry&, const T*, const T*, T*); \
    template void relu_max_pool2d_2x2<T>(const Pool2dGeometry&, const T*, T*);               \
    template void relu_max_pool2d_backward_2x2<T>(const Pool2dGeometry&, const T*, const T*, T*);
POTATOLEMON_POOL_2X2_KERNELS(float)
POTATOLEMON_POOL_2X2_KERNELS(double)
#undef POTATOLEMON_POOL_2X2_KERNELS

}  // namespace potatolemon::kernels
