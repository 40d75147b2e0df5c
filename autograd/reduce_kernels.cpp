#include "autograd/reduce_kernels.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/float_math.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::detail {

BlockView block_view(const Shape& shape, int first, int last) {
    BlockView view;
    for (int d = 0; d < shape.rank(); ++d) {
        std::int64_t& part = d < first ? view.outer : (d <= last ? view.n : view.inner);
        part *= shape[d];
    }
    return view;
}

namespace {
constexpr std::int64_t kGrain = 1 << 15;  // elements per thread-pool chunk, as elementwise

// Runs body(o0, o1, i0, i1) over blocks of the (outer, inner) output grid on the thread pool,
// splitting whichever axis is longer; each output element is computed by one chunk alone.
template <class Body>
void for_outputs(const BlockView& v, Body body) {
    std::int64_t per_output = std::max<std::int64_t>(v.n, 1);
    if (v.outer * per_output * v.inner <= kGrain) return body(0, v.outer, 0, v.inner);
    if (v.outer >= v.inner) {
        std::int64_t grain = std::max<std::int64_t>(1, kGrain / (per_output * v.inner + 1));
        kernels::parallel_for(v.outer, grain, [&](std::int64_t o0, std::int64_t o1) {
            body(o0, o1, std::int64_t(0), v.inner);
        });
    } else {
        std::int64_t grain = std::max<std::int64_t>(1, kGrain / (per_output * v.outer + 1));
        kernels::parallel_for(v.inner, grain, [&](std::int64_t i0, std::int64_t i1) {
            body(std::int64_t(0), v.outer, i0, i1);
        });
    }
}
}  // namespace

namespace {
// A block of a few dozen elements (a small layer's bias gradient, a loss's mean): one column at
// a time, summed down k in the same order as the run-buffered loop below, so the sums are equal.
template <class T>
void sum_small_block(const T* src, T* dst, const BlockView& v, double scale) {
    for (std::int64_t o = 0; o < v.outer; ++o)
        for (std::int64_t i = 0; i < v.inner; ++i) {
            const T* column = src + o * v.n * v.inner + i;
            double total = 0;
            for (std::int64_t k = 0; k < v.n; ++k) total += column[k * v.inner];
            dst[o * v.inner + i] = static_cast<T>(total * scale);
        }
}

// Out of line: its frame is large, and the small blocks should not pay to set it up.
template <class T>
[[gnu::noinline]] void sum_large_block(const T* src, T* dst, const BlockView& v, double scale) {
    for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
        // A run of inner positions at a time, summed down k: the rows are read in order and
        // the sums stay in a small buffer on the stack.
        constexpr std::int64_t kRun = 64;
        double acc[kRun];
        for (std::int64_t o = o0; o < o1; ++o) {
            const T* block = src + o * v.n * v.inner;
            if (v.inner == 1) {  // a contiguous run (a whole tensor, the rows of a matrix)
                double total = 0;
                for (std::int64_t k = 0; k < v.n; ++k) total += block[k];
                dst[o] = static_cast<T>(total * scale);
                continue;
            }
            for (std::int64_t r = i0; r < i1; r += kRun) {
                std::int64_t len = std::min(kRun, i1 - r);
                std::fill_n(acc, len, 0.0);
                for (std::int64_t k = 0; k < v.n; ++k)
                    for (std::int64_t i = 0; i < len; ++i) acc[i] += block[k * v.inner + r + i];
                for (std::int64_t i = 0; i < len; ++i)
                    dst[o * v.inner + r + i] = static_cast<T>(acc[i] * scale);
            }
        }
    });
}

template <class T>
void sum_block_kernel(const T* src, T* dst, const BlockView& v, double scale) {
    constexpr std::int64_t kSmall = 256;  // elements; well inside L1, so columns cost no misses
    if (v.outer * v.n * v.inner <= kSmall) return sum_small_block(src, dst, v, scale);
    sum_large_block(src, dst, v, scale);
}

template <class T>
struct SumBlockRecord {
    static constexpr const char* name = "sum";
    const T* src;
    T* dst;
    BlockView view;
    double scale;
    static void run(const SumBlockRecord& r) { sum_block_kernel(r.src, r.dst, r.view, r.scale); }
};
}  // namespace

Tensor sum_block(const Tensor& x, const BlockView& v, const Shape& out_shape, double scale) {
    Tensor out = empty(out_shape, x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        SumBlockRecord<T> r{x.data<T>(), out.data<T>(), v, scale};
        SumBlockRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src}, {r.dst});
    });
    return out;
}

namespace {
template <class T>
struct ExtremeBlockRecord {
    static constexpr const char* name = "max";
    const T* src;
    T* dst;
    std::int64_t* idx;
    BlockView v;
    bool is_max;
    static void run(const ExtremeBlockRecord& r) {
        const BlockView& v = r.v;
        for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
            for (std::int64_t o = o0; o < o1; ++o) {
                for (std::int64_t i = i0; i < i1; ++i) {
                    const T* p = r.src + o * v.n * v.inner + i;
                    std::int64_t best = 0;
                    for (std::int64_t k = 1; k < v.n; ++k) {
                        T candidate = p[k * v.inner], current = p[best * v.inner];
                        // NaN propagates as in PyTorch: once found it stays the answer.
                        if (std::isnan(current)) break;
                        if (std::isnan(candidate) ||
                            (r.is_max ? candidate > current : candidate < current))
                            best = k;
                    }
                    r.dst[o * v.inner + i] = p[best * v.inner];
                    r.idx[o * v.inner + i] = best;
                }
            }
        });
    }
};

template <class T>
struct VarBlockRecord {
    static constexpr const char* name = "var";
    const T* src;
    T* dst;
    BlockView v;
    double divisor;
    bool take_sqrt;
    static void run(const VarBlockRecord& r) {
        const BlockView& v = r.v;
        for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
            for (std::int64_t o = o0; o < o1; ++o) {
                for (std::int64_t i = i0; i < i1; ++i) {
                    const T* p = r.src + o * v.n * v.inner + i;
                    double total = 0;
                    for (std::int64_t k = 0; k < v.n; ++k) total += p[k * v.inner];
                    double mu = total / static_cast<double>(v.n);
                    double squares = 0;
                    for (std::int64_t k = 0; k < v.n; ++k) {
                        double d = p[k * v.inner] - mu;
                        squares += d * d;
                    }
                    double variance = squares / r.divisor;
                    r.dst[o * v.inner + i] =
                        static_cast<T>(r.take_sqrt ? std::sqrt(variance) : variance);
                }
            }
        });
    }
};
}  // namespace

void extreme_block(const Tensor& x, const BlockView& v, bool is_max, Tensor& values,
                   Tensor& indices) {
    dispatch_any(x.dtype(), [&]<class T>() {
        ExtremeBlockRecord<T> r{x.data<T>(), values.data<T>(), indices.data<std::int64_t>(), v,
                                is_max};
        ExtremeBlockRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src}, {r.dst, r.idx});
    });
}

Tensor var_block(const Tensor& x, const BlockView& v, double correction, bool take_sqrt,
                 const Shape& out_shape) {
    Tensor out = empty(out_shape, x.dtype());
    double divisor = std::max(0.0, static_cast<double>(v.n) - correction);
    dispatch(x.dtype(), [&]<class T>() {
        VarBlockRecord<T> r{x.data<T>(), out.data<T>(), v, divisor, take_sqrt};
        VarBlockRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src}, {r.dst});
    });
    return out;
}

namespace {
// max(m, p[k]) over a contiguous run in four lanes (NaN skipped, as std::max(m, nan) keeps m),
// then sum(exp(p[k] - m)) in double in four partial sums added in a fixed order: both vectorise.
template <class T>
T max_of(const T* p, std::int64_t n) {
    T m[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    std::int64_t k = 0;
    for (; k + 4 <= n; k += 4)
        for (int j = 0; j < 4; ++j) m[j] = std::max(m[j], p[k + j]);
    for (; k < n; ++k) m[0] = std::max(m[0], p[k]);
    return std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
}

template <class T>
double sum_exp(const T* p, std::int64_t n, T m) {
    double s[4] = {0, 0, 0, 0};
    std::int64_t k = 0;
    for (; k + 4 <= n; k += 4)
        for (int j = 0; j < 4; ++j) s[j] += exp_of(p[k + j] - m);
    for (; k < n; ++k) s[0] += exp_of(p[k] - m);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

template <class T>
struct LogsumexpRecord {
    static constexpr const char* name = "logsumexp";
    const T* src;
    T* dst;
    BlockView v;
    static void run(const LogsumexpRecord& r) {
        const BlockView& v = r.v;
        for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
            for (std::int64_t o = o0; o < o1; ++o) {
                for (std::int64_t i = i0; i < i1; ++i) {
                    const T* p = r.src + o * v.n * v.inner + i;
                    T m = -INFINITY;
                    if (v.inner == 1) m = max_of(p, v.n);
                    for (std::int64_t k = 0; v.inner > 1 && k < v.n; ++k)
                        m = std::max(m, p[k * v.inner]);
                    // ±inf as the shift would give inf - inf; PyTorch shifts by 0 then, so an
                    // all -inf run sums to 0 and its log is -inf, and +inf stays +inf.
                    if (!std::isfinite(m)) m = 0;
                    // exp in the input's dtype (float_math's exp_of, within an ulp of expf, for
                    // float32), the sum in double.
                    double total = v.inner == 1 ? sum_exp(p, v.n, m) : 0;
                    for (std::int64_t k = 0; v.inner > 1 && k < v.n; ++k)
                        total += exp_of(p[k * v.inner] - m);
                    r.dst[o * v.inner + i] = static_cast<T>(std::log(total) + double(m));
                }
            }
        });
    }
};

template <class T>
struct LogsumexpBackwardRecord {
    static constexpr const char* name = "logsumexp_backward";
    const T *src, *g, *lse;
    T* dst;
    BlockView v;
    static void run(const LogsumexpBackwardRecord& r) {
        const BlockView& v = r.v;
        const T *src = r.src, *g = r.g, *lse = r.lse;
        T* dst = r.dst;
        for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
            for (std::int64_t o = o0; o < o1; ++o) {
                if (v.inner == 1) {  // a contiguous run: the loop over k vectorises
                    const T *p = src + o * v.n, scale = g[o], shift = lse[o];
                    for (std::int64_t k = 0; k < v.n; ++k)
                        dst[o * v.n + k] = scale * exp_of(static_cast<T>(p[k] - shift));
                    continue;
                }
                for (std::int64_t k = 0; k < v.n; ++k) {
                    std::int64_t at = (o * v.n + k) * v.inner, to = o * v.inner;
                    for (std::int64_t i = i0; i < i1; ++i)
                        dst[at + i] = g[to + i] * exp_of(static_cast<T>(src[at + i] - lse[to + i]));
                }
            }
        });
    }
};
}  // namespace

Tensor logsumexp_block(const Tensor& x, const BlockView& v, const Shape& out_shape) {
    Tensor out = empty(out_shape, x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        LogsumexpRecord<T> r{x.data<T>(), out.data<T>(), v};
        LogsumexpRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src}, {r.dst});
    });
    return out;
}

Tensor logsumexp_backward_block(const Tensor& grad_out, const Tensor& x, const Tensor& out,
                                const BlockView& v) {
    Tensor grad = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        LogsumexpBackwardRecord<T> r{x.data<T>(), grad_out.data<T>(), out.data<T>(), grad.data<T>(),
                                     v};
        LogsumexpBackwardRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src, r.g, r.lse}, {r.dst});
    });
    return grad;
}

namespace {
template <class T>
void softmax_block_kernel(const T* src, T* dst, const BlockView& v, bool log) {
    for_outputs(v, [&](std::int64_t o0, std::int64_t o1, std::int64_t i0, std::int64_t i1) {
        for (std::int64_t o = o0; o < o1; ++o) {
            for (std::int64_t i = i0; i < i1; ++i) {
                const T* p = src + o * v.n * v.inner + i;
                T* q = dst + o * v.n * v.inner + i;
                T m = -INFINITY;
                // An infinite max is subtracted too, as PyTorch does: its row is all NaN.
                for (std::int64_t k = 0; k < v.n; ++k) m = std::max(m, p[k * v.inner]);
                double total = 0;
                for (std::int64_t k = 0; k < v.n; ++k)
                    total += std::exp(double(p[k * v.inner] - m));
                T log_total = static_cast<T>(std::log(total));
                for (std::int64_t k = 0; k < v.n; ++k) {
                    T shifted = p[k * v.inner] - m;
                    q[k * v.inner] = log ? shifted - log_total
                                         : static_cast<T>(std::exp(double(shifted)) / total);
                }
            }
        }
    });
}

template <class T>
struct SoftmaxBlockRecord {
    static constexpr const char* name = "softmax";
    const T* src;
    T* dst;
    BlockView view;
    bool log;
    static void run(const SoftmaxBlockRecord& r) {
        softmax_block_kernel(r.src, r.dst, r.view, r.log);
    }
};
}  // namespace

Tensor softmax_block(const Tensor& x, const BlockView& v, bool log) {
    Tensor out = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        SoftmaxBlockRecord<T> r{x.data<T>(), out.data<T>(), v, log};
        SoftmaxBlockRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.src}, {r.dst});
    });
    return out;
}

}  // namespace potatolemon::detail
