// The direct convolution's drivers (conv_direct.hpp): per image and group, copy the planes into
// the flat padded layout, run the ISA's micro-kernel, copy the valid positions out. The input
// gradient is the forward kernel on the output gradient with the kernel flipped and the channel
// roles swapped: gx = gy padded by d(k − 1) − p, correlated with w[o, c, k − 1 − i, k − 1 − j].
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
// may use: images are fed to it in groups of this many bytes of padded input and gradient.
constexpr int64_t max_weight_chunks = 16;
constexpr int64_t weight_batch_bytes = 512 << 10;

// One group's stride-1 convolution of `channels` H×W planes in the flat padded layout.
struct Flat {
    int64_t channels, H, W, PH, PW;
    int64_t WP, plane;  // padded row length and plane size
    int64_t OH, OW;     // output
    int64_t q_count;    // flat output positions computed: OH·WP rounded up to the step
    int64_t span;       // elements the padded planes occupy, with the kernels' overrun
    std::vector<int64_t> offsets;
};

Flat flat_of(int64_t channels, int64_t H, int64_t W, const ConvShape& s, int64_t PH, int64_t PW,
             int64_t q_step) {
    Flat f{channels, H, W, PH, PW, W + 2 * PW, 0, 0, 0, 0, 0, {}};
    int64_t HP = H + 2 * PH;
    f.plane = HP * f.WP;
    f.OH = HP - s.DH * (s.KH - 1);
    f.OW = f.WP - s.DW * (s.KW - 1);
    f.q_count = (f.OH * f.WP + q_step - 1) / q_step * q_step;
    for (int64_t i = 0; i < s.KH; ++i)
        for (int64_t j = 0; j < s.KW; ++j) f.offsets.push_back(i * s.DH * f.WP + j * s.DW);
    f.span = (channels - 1) * f.plane + f.q_count + f.offsets.back();
    return f;
}

// xp = the planes x[channels][H][W] zero-padded, zeros up to span (finite values everywhere).
template <class T>
void pad_planes(const Flat& f, const T* x, T* xp) {
    std::fill(xp, xp + f.span, T(0));
    for (int64_t c = 0; c < f.channels; ++c)
        for (int64_t y = 0; y < f.H; ++y) {
            const T* row = x + (c * f.H + y) * f.W;
            std::copy(row, row + f.W, xp + c * f.plane + (y + f.PH) * f.WP + f.PW);
        }
}

// out[o][oy][ox] = flat[o][oy·WP + ox] (+ bias[o]) for the valid positions.
template <class T>
void unflatten(const Flat& f, int64_t channels, const T* flat, const T* bias, T* out) {
    for (int64_t o = 0; o < channels; ++o)
        for (int64_t y = 0; y < f.OH; ++y) {
            const T* row = flat + o * f.q_count + y * f.WP;
            T* dst = out + (o * f.OH + y) * f.OW;
            if (bias) {
                for (int64_t x = 0; x < f.OW; ++x) dst[x] = row[x] + bias[o];
            } else {
                std::copy(row, row + f.OW, dst);
            }
        }
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
void run_forward(const DirectKernels<T>& k, const Flat& f, int64_t N, int64_t groups,
                 int64_t outputs, const T* in, const std::vector<T>& packed, const T* bias,
                 T* out) {
    const int64_t per_group = static_cast<int64_t>(packed.size()) / groups;
    for_each_item(N, [&](int64_t n) {
        T* xp = conv_scratch<T>(0, f.span);
        T* flat = conv_scratch<T>(1, outputs * f.q_count);
        for (int64_t g = 0; g < groups; ++g) {
            pad_planes(f, in + (n * groups + g) * f.channels * f.H * f.W, xp);
            k.forward({xp, f.channels, f.plane, f.offsets.data(),
                       static_cast<int64_t>(f.offsets.size()), packed.data() + g * per_group,
                       outputs, flat, f.q_count, f.q_count});
            unflatten(f, outputs, flat, bias ? bias + g * outputs : nullptr,
                      out + (n * groups + g) * outputs * f.OH * f.OW);
        }
    });
}

}  // namespace

bool direct_forward_fits(const ConvShape& s) {
    return s.SH == 1 && s.SW == 1;
}

bool direct_input_grad_fits(const ConvShape& s) {
    return direct_forward_fits(s) && s.PH <= s.DH * (s.KH - 1) && s.PW <= s.DW * (s.KW - 1);
}

template <class T>
void conv2d_forward_direct(const ConvShape& s, const T* x, const T* w, const T* bias, T* y) {
    DirectKernels<T> k = direct_kernels<T>(gemm_isa());
    const int64_t cg = s.C / s.G, og = s.O / s.G, taps = s.KH * s.KW;
    Flat f = flat_of(cg, s.H, s.W, s, s.PH, s.PW, k.q_step);
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
    Flat f =
        flat_of(og, s.OH, s.OW, s, s.DH * (s.KH - 1) - s.PH, s.DW * (s.KW - 1) - s.PW, k.q_step);
    std::vector<T> packed =
        pack_weights<T>(s.G, cg, og, taps, k.mr, [&](int64_t g, int64_t c, int64_t o, int64_t t) {
            return w[((g * og + o) * cg + c) * taps + taps - 1 - t];
        });
    run_forward(k, f, s.N, s.G, cg, gy, packed, static_cast<const T*>(nullptr), gx);
}

template <class T>
void conv2d_weight_grad_direct(const ConvShape& s, const T* x, const T* gy, T* gw) {
    DirectKernels<T> k = direct_kernels<T>(gemm_isa());
    const int64_t cg = s.C / s.G, og = s.O / s.G, taps = s.KH * s.KW, size = s.O * cg * taps;
    const Flat f = flat_of(cg, s.H, s.W, s, s.PH, s.PW, k.lanes);
    const int64_t grad_image = og * f.q_count, image_bytes = (f.span + grad_image) * sizeof(T);
    const int64_t batch = std::max<int64_t>(1, weight_batch_bytes / image_bytes);
    const int64_t chunks = std::min(s.N, max_weight_chunks);
    std::vector<T> partial(static_cast<size_t>(std::max<int64_t>(chunks - 1, 0) * size));
    for_each_item(chunks, [&](int64_t chunk) {
        T* sum = chunk == 0 ? gw : partial.data() + (chunk - 1) * size;
        std::fill(sum, sum + size, T(0));
        const int64_t end = (chunk + 1) * s.N / chunks;
        for (int64_t g = 0; g < s.G; ++g)
            for (int64_t n0 = chunk * s.N / chunks; n0 < end; n0 += batch) {
                const int64_t images = std::min(batch, end - n0);
                T* xp = conv_scratch<T>(0, images * f.span);
                T* gq = conv_scratch<T>(1, images * grad_image);
                std::fill(gq, gq + images * grad_image, T(0));
                for (int64_t i = 0; i < images; ++i) {
                    pad_planes(f, x + ((n0 + i) * s.G + g) * cg * s.H * s.W, xp + i * f.span);
                    const T* grad = gy + ((n0 + i) * s.G + g) * og * s.OH * s.OW;
                    for (int64_t o = 0; o < og; ++o)
                        for (int64_t y = 0; y < s.OH; ++y)
                            std::copy(grad + (o * s.OH + y) * s.OW,
                                      grad + (o * s.OH + y + 1) * s.OW,
                                      gq + i * grad_image + o * f.q_count + y * f.WP);
                }
                k.weight({xp, f.span, cg, f.plane, f.offsets.data(), taps, gq, grad_image,
                          f.q_count, og, images, f.q_count, sum + g * og * cg * taps});
            }
    });
    if (s.N == 0) std::fill(gw, gw + size, T(0));
    for (int64_t chunk = 1; chunk < chunks; ++chunk) {
        const T* p = partial.data() + (chunk - 1) * size;
        for (int64_t i = 0; i < size; ++i) gw[i] += p[i];
    }
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
