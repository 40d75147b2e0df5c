// The direct convolution's drivers (conv_direct.hpp): per image and group, copy the planes into
// the shifted layout below and run the ISA's micro-kernel, which writes the output in place. The
// input gradient is the forward kernel on the output gradient with the kernel flipped and the
// channel roles swapped: gx = gy padded by d(k − 1) − p, correlated with w[o, c, flipped i, j].
// Threads: images in the forward and input gradient; fixed chunks of images in the weight
// gradient, whose partial sums are added in chunk order (results independent of thread count).
#include <algorithm>
#include <vector>

#include "autograd/kernels/conv_direct.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {

template <class T>
T* conv_scratch(int slot, int64_t count) {
    thread_local std::vector<T> buffers[2];
    std::vector<T>& buffer = buffers[slot];
    if (buffer.size() < static_cast<size_t>(count)) buffer.resize(static_cast<size_t>(count));
    return buffer.data();
}
template float* conv_scratch<float>(int, int64_t);
template double* conv_scratch<double>(int, int64_t);

namespace {

// Weight-gradient chunks (a function of N alone) and the scratch one call of the micro-kernel
// may use: images are fed to it in groups of this many bytes of shifted input (and transposed
// gradient); fewer images a call cost more in lane sums than they saved in cache misses.
constexpr int64_t max_weight_chunks = 16;
constexpr int64_t weight_batch_bytes = 512 << 10;

// One group's stride-1 convolution of `channels` H×W planes in the shifted layout: per channel and
// kernel column j, the zero-padded plane shifted left by j·DW and cut to the output width,
// xs[c][j][y][ox] = xpad[c][y][ox + j·DW] for y < HP. Tap (i, j) of output q = oy·OW + ox is then
// xs[c][j][q + i·DH·OW]: outputs are computed at their own flat index, with no gap between rows
// (a flat padded plane computes and drops DW·(KW − 1) positions a row: 12.5% of the CNN's conv2).
struct Shifted {
    int64_t channels, H, W, PH, PW;
    int64_t HP, OH, OW;
    int64_t plane;    // elements per channel: KW shifted planes of HP×OW
    int64_t q_count;  // OH·OW rounded up to the vector width
    int64_t span;     // elements the layout occupies, with the kernels' overrun
    std::vector<int64_t> offsets, shifts;  // per tap; per kernel column (j·DW)
};

Shifted shifted_of(int64_t channels, int64_t H, int64_t W, const ConvShape& s, int64_t PH,
                   int64_t PW, int64_t lanes) {
    Shifted f{channels, H, W, PH, PW, H + 2 * PH, 0, 0, 0, 0, 0, {}, {}};
    f.OH = f.HP - s.DH * (s.KH - 1);
    f.OW = W + 2 * PW - s.DW * (s.KW - 1);
    f.plane = s.KW * f.HP * f.OW;
    f.q_count = (f.OH * f.OW + lanes - 1) / lanes * lanes;
    for (int64_t i = 0; i < s.KH; ++i)
        for (int64_t j = 0; j < s.KW; ++j) f.offsets.push_back(j * f.HP * f.OW + i * s.DH * f.OW);
    for (int64_t j = 0; j < s.KW; ++j) f.shifts.push_back(j * s.DW);
    f.span = (channels - 1) * f.plane + f.offsets.back() + f.q_count;
    return f;
}

// xs = the planes x[channels][H][W] in the shifted layout, zeros up to span (finite everywhere).
template <class T>
void shift_planes(const DirectKernels<T>& k, const Shifted& f, const T* x, T* xs) {
    const int64_t size = f.HP * f.OW;
    for (int64_t c = 0; c < f.channels; ++c)
        for (int64_t j = 0; j < static_cast<int64_t>(f.shifts.size()); ++j) {
            // Output column ox reads input column ox + shift − PW: inside for ox in [lo, hi).
            const int64_t first = f.shifts[j] - f.PW;
            const int64_t lo = std::clamp<int64_t>(-first, 0, f.OW);
            const int64_t hi = std::clamp<int64_t>(f.W - first, lo, f.OW);
            const T* src = x + c * f.H * f.W + (hi > lo ? lo + first : 0);
            k.place_rows(src, f.W, f.H, hi - lo, xs + c * f.plane + j * size, f.OW, lo, f.PH, f.PH);
        }
    std::fill(xs + f.channels * f.plane, xs + f.span, T(0));
}

// Weights packed for the forward kernel, group after group: blocks of MR output channels,
// w(o, c, t) at [(o / MR)·C·taps + c·taps + t]·MR + o % MR, zero past `outputs`.
template <class T, class F>
std::vector<T> pack_weights(int64_t groups, int64_t outputs, int64_t inputs, int64_t taps,
                            int64_t mr, F&& w) {
    int64_t blocks = (outputs + mr - 1) / mr, per_group = blocks * mr * inputs * taps;
    std::vector<T> packed(static_cast<size_t>(groups * per_group), T(0));
    for (int64_t g = 0; g < groups; ++g)
        for (int64_t o = 0; o < outputs; ++o)
            for (int64_t c = 0; c < inputs; ++c)
                for (int64_t t = 0; t < taps; ++t)
                    packed[g * per_group + ((o / mr * inputs + c) * taps + t) * mr + o % mr] =
                        w(g, o, c, t);
    return packed;
}

// Runs fn(n) for each of `count` items, spread over threads when there are enough of them.
template <class F>
void for_each_item(int64_t count, F&& fn) {
    if (count < num_threads()) {
        for (int64_t n = 0; n < count; ++n) fn(n);
        return;
    }
    parallel_for(count, 1, [&](int64_t begin, int64_t end) {
        for (int64_t n = begin; n < end; ++n) fn(n);
    });
}

// out[N, groups·outputs, OH, OW] = (bias +) the forward kernel on `in` [N, groups·f.channels,
// f.H, f.W] with the packed weights.
template <class T>
void run_forward(const DirectKernels<T>& k, const Shifted& f, int64_t N, int64_t groups,
                 int64_t outputs, const T* in, const std::vector<T>& packed, const T* bias,
                 T* out) {
    const int64_t per_group = static_cast<int64_t>(packed.size()) / groups;
    const int64_t taps = static_cast<int64_t>(f.offsets.size()), plane_out = f.OH * f.OW;
    for_each_item(N, [&](int64_t n) {
        T* xs = conv_scratch<T>(0, f.span);
        for (int64_t g = 0; g < groups; ++g) {
            shift_planes(k, f, in + (n * groups + g) * f.channels * f.H * f.W, xs);
            k.forward({xs, f.channels, f.plane, f.offsets.data(), taps,
                       packed.data() + g * per_group, bias ? bias + g * outputs : nullptr, outputs,
                       f.q_count, out + (n * groups + g) * outputs * plane_out, plane_out});
        }
    });
}

// The weight gradient of one call, summed image range by image range into buffers laid out
// [o][c][j][i] per group, or [c][j][i][o] when output channels fill whole tiles and the
// transposed kernel runs (the CNN's conv2: 65 GFLOP/s → 78).
template <class T>
struct WeightGrad {
    WeightGrad(const ConvShape& shape, const T* input, const T* grad)
        : s(shape),
          x(input),
          gy(grad),
          k(direct_kernels<T>(gemm_isa())),
          cg(s.C / s.G),
          og(s.O / s.G),
          taps(s.KH * s.KW),
          f(shifted_of(cg, s.H, s.W, s, s.PH, s.PW, k.lanes)),
          valid(f.OH * f.OW),
          transposed(og % k.o_tile == 0) {
        int64_t image_bytes = (f.span + (transposed ? valid * og : 0)) * int64_t(sizeof(T));
        batch = std::max<int64_t>(1, weight_batch_bytes / image_bytes);
        // Taps in kernel-column-major order: a block of taps then reads fewer shifted planes
        // (62 GFLOP/s in row-major order, 70 so, before the transposed kernel).
        for (int64_t j = 0; j < s.KW; ++j)
            for (int64_t i = 0; i < s.KH; ++i) offsets.push_back(f.offsets[i * s.KW + j]);
    }

    // sum += the gradient of images [begin, end), a batch of them per kernel call.
    void add_images(int64_t begin, int64_t end, T* sum) const {
        for (int64_t g = 0; g < s.G; ++g)
            for (int64_t n0 = begin; n0 < end; n0 += batch) {
                const int64_t images = std::min(batch, end - n0);
                T* xs = conv_scratch<T>(0, images * f.span);
                T* gt = transposed ? conv_scratch<T>(1, images * valid * og) : nullptr;
                const T* grad = gy + (n0 * s.G + g) * og * valid;
                for (int64_t i = 0; i < images; ++i) {
                    shift_planes(k, f, x + ((n0 + i) * s.G + g) * cg * s.H * s.W, xs + i * f.span);
                    if (transposed)
                        k.transpose(grad + i * s.O * valid, og, valid, gt + i * valid * og, og);
                }
                T* group_sum = sum + g * og * cg * taps;
                if (transposed) {
                    k.weight_t({xs, f.span, cg, f.plane, offsets.data(), taps, gt, valid * og, og,
                                images, valid, group_sum});
                } else {
                    k.weight({xs, f.span, cg, f.plane, offsets.data(), taps, grad, s.O * valid,
                              valid, og, images, valid, group_sum});
                }
            }
    }

    // gw[o][c][i][j] from a buffer laid out as add_images sums.
    void unpermute(const T* sum, T* gw) const {
        for (int64_t o = 0; o < s.O; ++o)
            for (int64_t c = 0; c < cg; ++c)
                for (int64_t i = 0; i < s.KH; ++i)
                    for (int64_t j = 0; j < s.KW; ++j) {
                        const int64_t row = (c * s.KW + j) * s.KH + i, g = o / og;
                        const int64_t at = transposed ? g * og * cg * taps + row * og + o % og
                                                      : o * cg * taps + row;
                        gw[((o * cg + c) * s.KH + i) * s.KW + j] = sum[at];
                    }
    }

    const ConvShape& s;
    const T *x, *gy;
    DirectKernels<T> k;
    int64_t cg, og, taps;
    Shifted f;
    int64_t valid;
    bool transposed;
    int64_t batch = 1;
    std::vector<int64_t> offsets;
};

}  // namespace

bool direct_forward_fits(const ConvShape& s) {
    return s.SH == 1 && s.SW == 1;
}

// A tile makes MR channels at once: with far fewer input channels (conv1's input gradient, 1 of
// 8) most of it is wasted, and im2col + gemm is faster (31 GFLOP/s against 10 there).
bool direct_input_grad_fits(const ConvShape& s) {
    return direct_forward_fits(s) && s.PH <= s.DH * (s.KH - 1) && s.PW <= s.DW * (s.KW - 1) &&
           2 * (s.C / s.G) >= direct_kernels<float>(gemm_isa()).mr;
}

template <class T>
void conv2d_forward_direct(const ConvShape& s, const T* x, const T* w, const T* bias, T* y) {
    DirectKernels<T> k = direct_kernels<T>(gemm_isa());
    const int64_t cg = s.C / s.G, og = s.O / s.G, taps = s.KH * s.KW;
    Shifted f = shifted_of(cg, s.H, s.W, s, s.PH, s.PW, k.lanes);
    std::vector<T> packed =
        pack_weights<T>(s.G, og, cg, taps, k.mr, [&](int64_t g, int64_t o, int64_t c, int64_t t) {
            return w[((g * og + o) * cg + c) * taps + t];
        });
    run_forward(k, f, s.N, s.G, og, x, packed, bias, y);
}

template <class T>
void conv2d_input_grad_direct(const ConvShape& s, const T* gy, const T* w, T* gx) {
    DirectKernels<T> k = direct_kernels<T>(gemm_isa());
    const int64_t cg = s.C / s.G, og = s.O / s.G, taps = s.KH * s.KW;
    Shifted f =
        shifted_of(og, s.OH, s.OW, s, s.DH * (s.KH - 1) - s.PH, s.DW * (s.KW - 1) - s.PW, k.lanes);
    std::vector<T> packed =
        pack_weights<T>(s.G, cg, og, taps, k.mr, [&](int64_t g, int64_t c, int64_t o, int64_t t) {
            return w[((g * og + o) * cg + c) * taps + taps - 1 - t];
        });
    run_forward(k, f, s.N, s.G, cg, gy, packed, static_cast<const T*>(nullptr), gx);
}

template <class T>
void conv2d_weight_grad_direct(const ConvShape& s, const T* x, const T* gy, T* gw) {
    WeightGrad<T> wg(s, x, gy);
    const int64_t chunks = std::min(s.N, max_weight_chunks), size = s.O * wg.cg * wg.taps;
    std::vector<T> partial(static_cast<size_t>(chunks * size));
    for_each_item(chunks, [&](int64_t chunk) {
        T* sum = partial.data() + chunk * size;
        std::fill(sum, sum + size, T(0));
        wg.add_images(chunk * s.N / chunks, (chunk + 1) * s.N / chunks, sum);
    });
    for (int64_t chunk = 1; chunk < chunks; ++chunk)
        for (int64_t i = 0; i < size; ++i) partial[i] += partial[chunk * size + i];
    if (s.N == 0) return std::fill(gw, gw + size, T(0));
    wg.unpermute(partial.data(), gw);
}

template <class T>
DirectKernels<T> direct_kernels(GemmIsa isa) {
    switch (isa) {
#if defined(__x86_64__) || defined(__i386__)
        case GemmIsa::avx2:
            return direct_kernels_avx2<T>();
        case GemmIsa::avx512:
            return direct_kernels_avx512<T>();
#endif
        default:
            return direct_kernels_portable<T>();
    }
}

#define POTATOLEMON_CONV_DIRECT(T)                                                              \
    template void conv2d_forward_direct<T>(const ConvShape&, const T*, const T*, const T*, T*); \
    template void conv2d_input_grad_direct<T>(const ConvShape&, const T*, const T*, T*);        \
    template void conv2d_weight_grad_direct<T>(const ConvShape&, const T*, const T*, T*);
POTATOLEMON_CONV_DIRECT(float)
POTATOLEMON_CONV_DIRECT(double)
#undef POTATOLEMON_CONV_DIRECT

}  // namespace potatolemon::kernels
