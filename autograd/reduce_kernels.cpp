#include "autograd/reduce_kernels.hpp"

#include <cmath>
#include <vector>

#include "autograd/factories.hpp"

namespace potatolemon::detail {

BlockView block_view(const Shape& shape, int first, int last) {
    BlockView view;
    for (int d = 0; d < shape.rank(); ++d) {
        std::int64_t& part = d < first ? view.outer : (d <= last ? view.n : view.inner);
        part *= shape[d];
    }
    return view;
}

Tensor sum_block(const Tensor& x, const BlockView& v, const Shape& out_shape) {
    Tensor out = empty(out_shape, x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        T* dst = out.data<T>();
        std::vector<double> acc(static_cast<std::size_t>(v.inner));
        for (std::int64_t o = 0; o < v.outer; ++o) {
            std::fill(acc.begin(), acc.end(), 0.0);
            const T* block = src + o * v.n * v.inner;
            for (std::int64_t k = 0; k < v.n; ++k)
                for (std::int64_t i = 0; i < v.inner; ++i) acc[i] += block[k * v.inner + i];
            for (std::int64_t i = 0; i < v.inner; ++i) dst[o * v.inner + i] = static_cast<T>(acc[i]);
        }
    });
    return out;
}

void extreme_block(const Tensor& x, const BlockView& v, bool is_max, Tensor& values,
                   Tensor& indices) {
    std::int64_t* idx = indices.data<std::int64_t>();
    dispatch(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        T* dst = values.data<T>();
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t i = 0; i < v.inner; ++i) {
                const T* p = src + o * v.n * v.inner + i;
                std::int64_t best = 0;
                for (std::int64_t k = 1; k < v.n; ++k) {
                    T candidate = p[k * v.inner], current = p[best * v.inner];
                    // NaN propagates as in PyTorch: once found it stays the answer.
                    if (std::isnan(current)) break;
                    if (std::isnan(candidate) || (is_max ? candidate > current : candidate < current))
                        best = k;
                }
                dst[o * v.inner + i] = p[best * v.inner];
                idx[o * v.inner + i] = best;
            }
        }
    });
}

Tensor softmax_block(const Tensor& x, const BlockView& v, bool log) {
    Tensor out = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        const T* src = x.data<T>();
        T* dst = out.data<T>();
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t i = 0; i < v.inner; ++i) {
                const T* p = src + o * v.n * v.inner + i;
                T* q = dst + o * v.n * v.inner + i;
                T m = -INFINITY;
                for (std::int64_t k = 0; k < v.n; ++k) m = std::max(m, p[k * v.inner]);
                if (!std::isfinite(m)) m = 0;  // all -inf (or inf): let exp give the IEEE answer
                double total = 0;
                for (std::int64_t k = 0; k < v.n; ++k) total += std::exp(double(p[k * v.inner] - m));
                T log_total = static_cast<T>(std::log(total));
                for (std::int64_t k = 0; k < v.n; ++k) {
                    T shifted = p[k * v.inner] - m;
                    q[k * v.inner] = log ? shifted - log_total
                                         : static_cast<T>(std::exp(double(shifted)) / total);
                }
            }
        }
    });
    return out;
}

}  // namespace potatolemon::detail
