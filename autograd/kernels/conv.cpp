// 2-D convolution's entry points. Stride 1 (the CNN's layers) goes to the direct kernels of
// conv_direct.hpp; 1×1 kernels at stride 1 without padding are one gemm per image on the input
// itself; everything else is lowered to gemm one image at a time through im2col, which copies the
// image's receptive fields into col[C/G·KH·KW, OH·OW], then
//   forward       y[n, g]  = W_g[O/G, C/G·KH·KW] · col
//   input grad    col'     = W_gᵀ · gy[n, g],  then col2im adds col' back into gx[n, g]
//   weight grad   gW_g    += gy[n, g] · colᵀ  (summed over images)
// Images are split over threads; each gemm then runs on its thread alone (nested parallel_for is
// inline). A single image leaves the threading to gemm. The weight gradient sums images in fixed
// chunks whose partial sums are added in chunk order, so no result depends on the thread count.
#include "autograd/kernels/conv.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "autograd/kernels/conv_direct.hpp"
#include "autograd/kernels/gemm.hpp"
#include "autograd/kernels/gemm_isa.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {
namespace {

// Weight-gradient chunks: a function of N alone (never of the thread count).
constexpr int64_t max_weight_chunks = 16;

// The output columns [begin, end) whose input column o·stride + offset lies in [0, size).
struct Span {
    int64_t begin, end;
};
Span inside(int64_t offset, int64_t stride, int64_t size, int64_t count) {
    int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int64_t end = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
    begin = std::min(begin, count);
    return {begin, std::clamp(end, begin, count)};
}

// A 1×1 kernel at stride 1 without padding: col is the image itself.
bool col_is_input(const ConvShape& s) {
    return s.KH == 1 && s.KW == 1 && s.SH == 1 && s.SW == 1 && s.PH == 0 && s.PW == 0;
}

// Calls fn(col_row, x_plane, i, j) for each row of col, i.e. each (channel, kernel row i, kernel
// column j), in col's row order.
template <class F>
void for_each_col_row(const ConvShape& s, int64_t channels, F&& fn) {
    int64_t row = 0;
    for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < s.KH; ++i)
            for (int64_t j = 0; j < s.KW; ++j, ++row) fn(row, c * s.H * s.W, i, j);
}

// col[(c·KH + i)·KW + j][oy·OW + ox] = x[c][oy·SH − PH + i·DH][ox·SW − PW + j·DW], 0 off the image.
template <class T>
void im2col(const ConvShape& s, const T* x, T* col) {
    const int64_t plane = s.OH * s.OW;
    for_each_col_row(s, s.C / s.G, [&](int64_t row, int64_t x_plane, int64_t i, int64_t j) {
        const int64_t dx = j * s.DW - s.PW;
        const Span cols = inside(dx, s.SW, s.W, s.OW);
        for (int64_t oy = 0; oy < s.OH; ++oy) {
            T* out = col + row * plane + oy * s.OW;
            const int64_t iy = oy * s.SH - s.PH + i * s.DH;
            if (iy < 0 || iy >= s.H) {
                std::fill(out, out + s.OW, T(0));
                continue;
            }
            const T* in = x + x_plane + iy * s.W + dx;
            std::fill(out, out + cols.begin, T(0));
            for (int64_t ox = cols.begin; ox < cols.end; ++ox) out[ox] = in[ox * s.SW];
            std::fill(out + cols.end, out + s.OW, T(0));
        }
    });
}

// x[c][iy][ix] += col[...] for every entry im2col would have read from x (the transpose of im2col).
template <class T>
void col2im_add(const ConvShape& s, const T* col, T* x) {
    const int64_t plane = s.OH * s.OW;
    for_each_col_row(s, s.C / s.G, [&](int64_t row, int64_t x_plane, int64_t i, int64_t j) {
        const int64_t dx = j * s.DW - s.PW;
        const Span cols = inside(dx, s.SW, s.W, s.OW);
        for (int64_t oy = 0; oy < s.OH; ++oy) {
            const int64_t iy = oy * s.SH - s.PH + i * s.DH;
            if (iy < 0 || iy >= s.H) continue;
            const T* in = col + row * plane + oy * s.OW;
            T* out = x + x_plane + iy * s.W + dx;
            for (int64_t ox = cols.begin; ox < cols.end; ++ox) out[ox * s.SW] += in[ox];
        }
    });
}

// Runs fn(n) for every image: images across threads, or one at a time when there are fewer
// images than threads (gemm then threads each product).
template <class F>
void for_each_image(int64_t images, F&& fn) {
    if (images < num_threads()) {
        for (int64_t n = 0; n < images; ++n) fn(n);
        return;
    }
    parallel_for(images, 1, [&](int64_t begin, int64_t end) {
        for (int64_t n = begin; n < end; ++n) fn(n);
    });
}

// The direct weight gradient also multiplies x by the zero gradient of the flat planes' extra
// columns (outputs no window makes), and the direct input gradient multiplies the weight by the
// zero padding of the gradient: exact for finite values, but an inf or NaN there would give NaN
// where PyTorch's sum has no such term. Such inputs take the im2col path.
// On the bits, without an early exit, so that it vectorises (a loop of isfinite and return was
// 2% of the CNN's epoch): an exponent field of all ones is inf or NaN.
template <class T>
bool all_finite(const T* x, int64_t n) {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr U exponent = sizeof(T) == 4 ? U(0x7f800000u) : U(0x7ff0000000000000ull);
    U special = 0;
    for (int64_t i = 0; i < n; ++i) special |= U((std::bit_cast<U>(x[i]) & exponent) == exponent);
    return special == 0;
}

}  // namespace

template <class T>
void conv2d_forward(const ConvShape& s, const T* x, const T* w, const T* bias, T* y) {
    const int64_t cg = s.C / s.G, og = s.O / s.G, ckk = cg * s.KH * s.KW, plane = s.OH * s.OW;
    const bool no_col = col_is_input(s);
    if (!no_col && direct_forward_fits(s)) return conv2d_forward_direct(s, x, w, bias, y);
    for_each_image(s.N, [&](int64_t n) {
        T* col = no_col ? nullptr : conv_scratch<T>(0, ckk * plane);
        for (int64_t g = 0; g < s.G; ++g) {
            const T* xg = x + (n * s.C + g * cg) * s.H * s.W;
            T* yg = y + (n * s.O + g * og) * plane;
            if (!no_col) im2col(s, xg, col);
            if (bias)
                for (int64_t o = 0; o < og; ++o)
                    std::fill(yg + o * plane, yg + (o + 1) * plane, bias[g * og + o]);
            gemm<T>(false, false, og, plane, ckk, w + g * og * ckk, ckk, no_col ? xg : col, plane,
                    yg, plane, bias != nullptr);
        }
    });
}

template <class T>
void conv2d_input_grad(const ConvShape& s, const T* gy, const T* w, T* gx) {
    const int64_t cg = s.C / s.G, og = s.O / s.G, ckk = cg * s.KH * s.KW, plane = s.OH * s.OW;
    const bool no_col = col_is_input(s);
    if (!no_col && direct_input_grad_fits(s) && all_finite(w, s.O * ckk))
        return conv2d_input_grad_direct(s, gy, w, gx);
    for_each_image(s.N, [&](int64_t n) {
        T* col = no_col ? nullptr : conv_scratch<T>(0, ckk * plane);
        for (int64_t g = 0; g < s.G; ++g) {
            T* gxg = gx + (n * s.C + g * cg) * s.H * s.W;
            const T* gyg = gy + (n * s.O + g * og) * plane;
            gemm<T>(true, false, ckk, plane, og, w + g * og * ckk, ckk, gyg, plane,
                    no_col ? gxg : col, plane);
            if (no_col) continue;
            std::fill(gxg, gxg + cg * s.H * s.W, T(0));
            col2im_add(s, col, gxg);
        }
    });
}

template <class T>
void conv2d_weight_grad(const ConvShape& s, const T* x, const T* gy, T* gw) {
    const int64_t cg = s.C / s.G, og = s.O / s.G, ckk = cg * s.KH * s.KW, plane = s.OH * s.OW;
    const int64_t size = s.O * ckk;
    const bool no_col = col_is_input(s);
    if (s.N == 0) {
        std::fill(gw, gw + size, T(0));
        return;
    }
    if (!no_col && direct_forward_fits(s) && all_finite(x, s.N * s.C * s.H * s.W))
        return conv2d_weight_grad_direct(s, x, gy, gw);
    const int64_t chunks = std::min(s.N, max_weight_chunks);
    std::vector<T> partial(static_cast<size_t>((chunks - 1) * size));
    auto run_chunk = [&](int64_t chunk) {
        T* sum = chunk == 0 ? gw : partial.data() + (chunk - 1) * size;
        T* col = no_col ? nullptr : conv_scratch<T>(0, ckk * plane);
        for (int64_t n = chunk * s.N / chunks; n < (chunk + 1) * s.N / chunks; ++n) {
            bool first = n == chunk * s.N / chunks;
            for (int64_t g = 0; g < s.G; ++g) {
                const T* xg = x + (n * s.C + g * cg) * s.H * s.W;
                if (!no_col) im2col(s, xg, col);
                gemm<T>(false, true, og, ckk, plane, gy + (n * s.O + g * og) * plane, plane,
                        no_col ? xg : col, plane, sum + g * og * ckk, ckk, !first);
            }
        }
    };
    for_each_image(chunks, run_chunk);
    for (int64_t chunk = 1; chunk < chunks; ++chunk) {
        const T* p = partial.data() + (chunk - 1) * size;
        for (int64_t i = 0; i < size; ++i) gw[i] += p[i];
    }
}

// Eight independent sums: one running double sum waits ~4 cycles an element on the add before it
// (the generic sum over N, H, W took longer than conv1's forward).
template <class T>
[[gnu::always_inline]] inline void bias_sums(int64_t N, int64_t O, int64_t P, const T* g, T* gb,
                                             int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
        double acc[8] = {};
        for (int64_t n = 0; n < N; ++n) {
            const T* row = g + (n * O + o) * P;
            int64_t p = 0;
            for (; p + 8 <= P; p += 8)
                for (int l = 0; l < 8; ++l) acc[l] += double(row[p + l]);
            for (; p < P; ++p) acc[p % 8] += double(row[p]);
        }
        gb[o] = static_cast<T>(((acc[0] + acc[1]) + (acc[2] + acc[3])) +
                               ((acc[4] + acc[5]) + (acc[6] + acc[7])));
    }
}

template <class T>
void bias_sums_portable(int64_t N, int64_t O, int64_t P, const T* g, T* gb, int64_t begin,
                        int64_t end) {
    bias_sums(N, O, P, g, gb, begin, end);
}

#if defined(__x86_64__) || defined(__i386__)
// The same sums, lane for lane, in wide vectors: the baseline build converts and adds two doubles
// an instruction.
template <class T>
[[gnu::target("avx512f")]] void bias_sums_avx512(int64_t N, int64_t O, int64_t P, const T* g, T* gb,
                                                 int64_t begin, int64_t end) {
    bias_sums(N, O, P, g, gb, begin, end);
}
#endif

template <class T>
void conv2d_bias_grad(int64_t N, int64_t O, int64_t P, const T* g, T* gb) {
    auto sums = bias_sums_portable<T>;
#if defined(__x86_64__) || defined(__i386__)
    if (gemm_isa() == GemmIsa::avx512) sums = bias_sums_avx512<T>;
#endif
    parallel_for(O, std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(1, N * P)),
                 [&](int64_t begin, int64_t end) { sums(N, O, P, g, gb, begin, end); });
}

template void conv2d_bias_grad<float>(int64_t, int64_t, int64_t, const float*, float*);
template void conv2d_bias_grad<double>(int64_t, int64_t, int64_t, const double*, double*);
template void conv2d_forward<float>(const ConvShape&, const float*, const float*, const float*,
                                    float*);
template void conv2d_forward<double>(const ConvShape&, const double*, const double*, const double*,
                                     double*);
template void conv2d_input_grad<float>(const ConvShape&, const float*, const float*, float*);
template void conv2d_input_grad<double>(const ConvShape&, const double*, const double*, double*);
template void conv2d_weight_grad<float>(const ConvShape&, const float*, const float*, float*);
template void conv2d_weight_grad<double>(const ConvShape&, const double*, const double*, double*);

}  // namespace potatolemon::kernels
