// Pooling kernels (pool.hpp): the general window loops, max pooling with indices over 2×2 windows,
// and average pooling; the disjoint 2×2 tournament and its relu fusion are in pool_2x2.cpp.
#include "autograd/kernels/pool.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "autograd/kernels/pool_planes.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {

namespace {
// Along one axis, window o starts at coordinate `start` (tap 0); taps first..end-1 land inside
// the input, the rest in the padding. first >= end: none does.
struct Taps {
    std::int64_t start, first, end;
};

// The taps of every window along one axis; the same for every plane, so computed once per call.
std::vector<Taps> axis_taps(std::int64_t out, std::int64_t in, std::int64_t kernel,
                            std::int64_t stride, std::int64_t pad, std::int64_t dilation) {
    std::vector<Taps> taps(out);
    for (std::int64_t o = 0; o < out; ++o) {
        std::int64_t start = o * stride - pad;
        // ceil(-start / dilation) and ceil((in - start) / dilation), written not to overflow.
        std::int64_t first = start >= 0 ? 0 : (-start - 1) / dilation + 1;
        std::int64_t end = start >= in ? 0 : std::min(kernel, (in - start - 1) / dilation + 1);
        taps[o] = {start, first, end};
    }
    return taps;
}

struct PlaneTaps {
    std::vector<Taps> rows, cols;
};
PlaneTaps plane_taps(const Pool2dGeometry& g) {
    return {axis_taps(g.out_h, g.in_h, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h),
            axis_taps(g.out_w, g.in_w, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w)};
}

// Runs body(plane) for every plane on the thread pool.
template <class Body>
void for_planes(const Pool2dGeometry& g, Body body) {
    for_plane_ranges(g, [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p < p1; ++p) body(p);
    });
}

// The divisor of avg pooling's window (r, c): its full size (clipped to the padded input, as
// PyTorch does; without ceil mode that is always kernel_h * kernel_w) or the input elements in it.
// Multiplied in double, exact below 2^53, then rounded to T as PyTorch rounds its int64 product.
template <class T>
T avg_divisor(const Pool2dGeometry& g, const Taps& r, const Taps& c, bool count_include_pad) {
    if (!count_include_pad)
        return static_cast<T>(double(r.end - r.first) * double(c.end - c.first));
    std::int64_t h = std::min(r.start + g.kernel_h, g.in_h + g.pad_h) - r.start;
    std::int64_t w = std::min(c.start + g.kernel_w, g.in_w + g.pad_w) - c.start;
    return static_cast<T>(double(h) * double(w));
}

// `v` if it wins over the running max `m` (greater, or NaN), else `m`, picked with bit masks:
// g++ compiles `?:` on floats to compare-and-branch in scalar loops (a row's tail, 3 of the 7
// outputs of a 14-wide input), where it mispredicts about once a window.
template <class T>
T max_step(T m, T v) {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    U take = U(0) - U((v > m) | (v != v));
    return std::bit_cast<T>((std::bit_cast<U>(v) & take) | (std::bit_cast<U>(m) & ~take));
}

// max_pool2d's rule folded over a, b, c, d in order: a later value wins if greater, or if NaN.
template <class T>
T max_of_four(T a, T b, T c, T d) {
    return max_step(max_step(max_step(a, b), c), d);
}

// Where that fold took max from, 0..3, with bool arithmetic only: the first element equal to it,
// or, when it is NaN, the last NaN. K is an integer as wide as T, so that the loop vectorises.
// Equal is compared on the bits (a float != is a branch in scalar code): the fold keeps the first
// of equal values, so no element before it is equal, not even a zero of the other sign.
template <class K, class T>
K position_of_max(T max, T a, T b, T c, T d) {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    auto differs = [m = std::bit_cast<U>(max)](T v) { return K(std::bit_cast<U>(v) != m); };
    K first_equal = differs(a) * (1 + differs(b) * (1 + differs(c)));
    K nan_c = c != c, nan_d = d != d;
    K last_nan = nan_d * 3 + (1 - nan_d) * (nan_c * 2 + (1 - nan_c) * K(b != b));
    K is_nan = max != max;
    return first_equal + (last_nan - first_equal) * is_nan;
}

// 2×2 windows without padding or dilation, the CNN's pooling: the fast paths below need no tap
// bounds (four loads an output) and compute exactly what the general loops do.
bool plain_2x2(const Pool2dGeometry& g) {
    return g.kernel_h == 2 && g.kernel_w == 2 && g.pad_h == 0 && g.pad_w == 0 &&
           g.dilation_h == 1 && g.dilation_w == 1;
}

// The positions (in the plane) of one output row's maxima, max, from its window rows top
// (plane offset row) and top + in_w: codes 0..3 a chunk at a time, then their offsets.
template <class T>
void max_positions_2x2(const Pool2dGeometry& g, const T* max, const T* top, std::int64_t row,
                       std::int64_t* idx) {
    using K = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    constexpr std::int64_t kChunk = 128;
    K code[kChunk];
    const T* bottom = top + g.in_w;
    for (std::int64_t begin = 0; begin < g.out_w; begin += kChunk) {
        std::int64_t n = std::min(kChunk, g.out_w - begin);
        for (std::int64_t i = 0; i < n; ++i) {
            std::int64_t at = (begin + i) * g.stride_w;
            code[i] = position_of_max<K>(max[begin + i], top[at], top[at + 1], bottom[at],
                                         bottom[at + 1]);
        }
        for (std::int64_t i = 0; i < n; ++i)
            idx[begin + i] =
                row + (begin + i) * g.stride_w + (code[i] & 1) + (code[i] >> 1) * g.in_w;
    }
}

// The scan order and rules of max_pool2d below, in two passes over each output row so that
// neither branches on the data (a branch per tap mispredicts about once an output): the values,
// which vectorise, then each max's position, found again among the window's four elements.
template <class T>
void max_pool2d_2x2(const Pool2dGeometry& geometry, const T* in, T* out, std::int64_t* indices) {
    const Pool2dGeometry g = geometry;  // a local copy: stores through out cannot change it
    for_planes(g, [&, g](std::int64_t p) {
        const T* src = in + p * g.in_h * g.in_w;
        T* dst = out + p * g.out_h * g.out_w;
        for (std::int64_t oh = 0; oh < g.out_h; ++oh, dst += g.out_w) {
            std::int64_t row = oh * g.stride_h * g.in_w;
            const T* top = src + row;
            const T* bottom = top + g.in_w;
            for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
                std::int64_t at = ow * g.stride_w;
                dst[ow] = max_of_four(top[at], top[at + 1], bottom[at], bottom[at + 1]);
            }
            if (indices)
                max_positions_2x2(g, dst, top, row, indices + (p * g.out_h + oh) * g.out_w);
        }
    });
}

// avg_pool2d's: the sum from 0 in scan order, over 4 (the divisor either way without padding).
template <class T>
void avg_pool2d_2x2(const Pool2dGeometry& g, const T* in, T* out) {
    std::int64_t in_w = g.in_w, sh = g.stride_h, sw = g.stride_w;
    for_planes(g, [&](std::int64_t p) {
        const T* src = in + p * g.in_h * in_w;
        T* dst = out + p * g.out_h * g.out_w;
        for (std::int64_t oh = 0; oh < g.out_h; ++oh, dst += g.out_w) {
            const T* top = src + oh * sh * in_w;
            const T* bottom = top + in_w;
            for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
                std::int64_t at = ow * sw;
                dst[ow] = (T(0) + top[at] + top[at + 1] + bottom[at] + bottom[at + 1]) / T(4);
            }
        }
    });
}

template <class T>
void avg_pool2d_backward_2x2(const Pool2dGeometry& g, const T* grad_out, T* grad_in) {
    std::int64_t in_w = g.in_w, sh = g.stride_h, sw = g.stride_w;
    for_planes(g, [&](std::int64_t p) {
        T* dst = grad_in + p * g.in_h * in_w;
        std::fill_n(dst, g.in_h * in_w, T(0));
        const T* src = grad_out + p * g.out_h * g.out_w;
        for (std::int64_t oh = 0; oh < g.out_h; ++oh, src += g.out_w) {
            T* top = dst + oh * sh * in_w;
            T* bottom = top + in_w;
            for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
                std::int64_t at = ow * sw;
                T share = src[ow] / T(4);
                top[at] += share;
                top[at + 1] += share;
                bottom[at] += share;
                bottom[at + 1] += share;
            }
        }
    });
}
}  // namespace

template <class T>
void max_pool2d(const Pool2dGeometry& g, const T* in, T* out, std::int64_t* indices) {
    if (!indices && disjoint_2x2(g)) return max_pool2d_disjoint_2x2(g, in, out);
    if (plain_2x2(g)) return max_pool2d_2x2(g, in, out, indices);
    PlaneTaps taps = plane_taps(g);
    std::int64_t dh = g.dilation_h, dw = g.dilation_w, in_w = g.in_w;
    for_planes(g, [&](std::int64_t p) {
        const T* src = in + p * g.in_h * g.in_w;
        T* dst = out + p * g.out_h * g.out_w;
        std::int64_t* idx = indices ? indices + p * g.out_h * g.out_w : nullptr;
        for (const Taps& r : taps.rows)
            for (const Taps& c : taps.cols) {
                if (r.first >= r.end || c.first >= c.end) {
                    *dst++ = -std::numeric_limits<T>::infinity();
                    if (idx) *idx++ = -1;
                    continue;
                }
                std::int64_t best = (r.start + r.first * dh) * in_w + c.start + c.first * dw;
                T max = src[best];
                for (std::int64_t j = r.first; j < r.end; ++j) {
                    std::int64_t at = (r.start + j * dh) * in_w + c.start + c.first * dw;
                    for (std::int64_t i = c.first; i < c.end; ++i, at += dw) {
                        T v = src[at];
                        if (v > max || v != v) {  // v != v: NaN, which wins as in PyTorch
                            max = v;
                            best = at;
                        }
                    }
                }
                *dst++ = max;
                if (idx) *idx++ = best;
            }
    });
}

template <class T>
bool max_pool2d_backward(const Pool2dGeometry& g, const T* grad_out, const std::int64_t* indices,
                         T* grad_in) {
    std::int64_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
    std::atomic<bool> in_range{true};
    for_planes(g, [&](std::int64_t p) {
        T* dst = grad_in + p * in_plane;
        std::fill_n(dst, in_plane, T(0));
        const T* src = grad_out + p * out_plane;
        const std::int64_t* idx = indices + p * out_plane;
        for (std::int64_t i = 0; i < out_plane; ++i) {
            std::int64_t at = idx[i];
            if (at >= 0 && at < in_plane)
                dst[at] += src[i];
            else if (at != -1)
                in_range.store(false, std::memory_order_relaxed);
        }
    });
    return in_range.load();
}

bool disjoint_2x2(const Pool2dGeometry& g) {
    return plain_2x2(g) && g.stride_h == 2 && g.stride_w == 2;
}

template <class T>
void avg_pool2d(const Pool2dGeometry& g, bool count_include_pad, const T* in, T* out) {
    if (plain_2x2(g)) return avg_pool2d_2x2(g, in, out);
    PlaneTaps taps = plane_taps(g);
    std::int64_t in_w = g.in_w;
    for_planes(g, [&](std::int64_t p) {
        const T* src = in + p * g.in_h * g.in_w;
        T* dst = out + p * g.out_h * g.out_w;
        for (const Taps& r : taps.rows)
            for (const Taps& c : taps.cols) {
                T total = 0;
                for (std::int64_t j = r.first; j < r.end; ++j) {
                    const T* row = src + (r.start + j) * in_w + c.start;
                    for (std::int64_t i = c.first; i < c.end; ++i) total += row[i];
                }
                *dst++ = total / avg_divisor<T>(g, r, c, count_include_pad);
            }
    });
}

template <class T>
void avg_pool2d_backward(const Pool2dGeometry& g, bool count_include_pad, const T* grad_out,
                         T* grad_in) {
    if (plain_2x2(g)) return avg_pool2d_backward_2x2(g, grad_out, grad_in);
    PlaneTaps taps = plane_taps(g);
    std::int64_t in_w = g.in_w;
    for_planes(g, [&](std::int64_t p) {
        T* dst = grad_in + p * g.in_h * g.in_w;
        std::fill_n(dst, g.in_h * g.in_w, T(0));
        const T* src = grad_out + p * g.out_h * g.out_w;
        for (const Taps& r : taps.rows)
            for (const Taps& c : taps.cols) {
                T share = *src++ / avg_divisor<T>(g, r, c, count_include_pad);
                for (std::int64_t j = r.first; j < r.end; ++j) {
                    T* row = dst + (r.start + j) * in_w + c.start;
                    for (std::int64_t i = c.first; i < c.end; ++i) row[i] += share;
                }
            }
    });
}

#define POTATOLEMON_POOL_KERNELS(T)                                                            \
    template void max_pool2d<T>(const Pool2dGeometry&, const T*, T*, std::int64_t*);           \
    template bool max_pool2d_backward<T>(const Pool2dGeometry&, const T*, const std::int64_t*, \
                                         T*);                                                  \
    template void avg_pool2d<T>(const Pool2dGeometry&, bool, const T*, T*);                    \
    template void avg_pool2d_backward<T>(const Pool2dGeometry&, bool, const T*, T*);
POTATOLEMON_POOL_KERNELS(float)
POTATOLEMON_POOL_KERNELS(double)
#undef POTATOLEMON_POOL_KERNELS

}  // namespace potatolemon::kernels
