#include "autograd/elementwise_kernels.hpp"

namespace potatolemon::detail {

std::array<std::int64_t, Shape::kMaxRank> broadcast_strides(const Shape& shape, const Shape& out) {
    std::array<std::int64_t, Shape::kMaxRank> strides{};
    auto own = contiguous_strides(shape);
    int offset = out.rank() - shape.rank();
    for (int d = 0; d < shape.rank(); ++d) strides[offset + d] = shape[d] == 1 ? 0 : own[d];
    return strides;
}

namespace {
// Output positions [begin, end) of select when something broadcasts: broadcast_range's odometer
// with a third input.
template <class T>
void select_range(const bool* pc, const T* pa, const T* pb, T* po, const Shape& out_shape,
                  const std::array<std::array<std::int64_t, Shape::kMaxRank>, 3>& strides,
                  std::int64_t begin, std::int64_t end) {
    int rank = out_shape.rank();
    std::array<std::int64_t, Shape::kMaxRank> index{};
    std::array<std::int64_t, 3> offset{};
    std::int64_t position = begin;
    for (int d = rank - 1; d >= 0; --d) {
        index[d] = position % out_shape[d];
        position /= out_shape[d];
        for (int k = 0; k < 3; ++k) offset[k] += index[d] * strides[k][d];
    }
    for (std::int64_t i = begin; i < end; ++i) {
        po[i] = pc[offset[0]] ? pa[offset[1]] : pb[offset[2]];
        for (int d = rank - 1; d >= 0; --d) {
            for (int k = 0; k < 3; ++k) offset[k] += strides[k][d];
            if (++index[d] < out_shape[d]) break;
            for (int k = 0; k < 3; ++k) offset[k] -= strides[k][d] * out_shape[d];
            index[d] = 0;
        }
    }
}
}  // namespace

namespace {
// select as a replay record: the same split and loops at every run.
template <class T>
struct SelectRecord {
    static constexpr const char* name = "where";
    Shape out_shape;
    std::array<std::array<std::int64_t, Shape::kMaxRank>, 3> strides;
    bool all_full;
    const bool* pc;
    const T *pa, *pb;
    T* po;
    static void run(const SelectRecord& r) {
        kernels::parallel_for(
            r.out_shape.numel(), kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
                if (!r.all_full)
                    return select_range(r.pc, r.pa, r.pb, r.po, r.out_shape, r.strides, begin, end);
                for (std::int64_t i = begin; i < end; ++i) r.po[i] = r.pc[i] ? r.pa[i] : r.pb[i];
            });
    }
};
}  // namespace

Tensor select(const Tensor& condition, const Tensor& a, const Tensor& b, const Shape& out_shape) {
    Tensor out = empty(out_shape, a.dtype());
    bool all_full =
        condition.shape() == out_shape && a.shape() == out_shape && b.shape() == out_shape;
    std::array<std::array<std::int64_t, Shape::kMaxRank>, 3> strides{
        broadcast_strides(condition.shape(), out_shape), broadcast_strides(a.shape(), out_shape),
        broadcast_strides(b.shape(), out_shape)};
    dispatch_any(a.dtype(), [&]<class T>() {
        SelectRecord<T> r{out_shape,   strides,     all_full,     condition.data<bool>(),
                          a.data<T>(), b.data<T>(), out.data<T>()};
        SelectRecord<T>::run(r);
        if (capturing()) [[unlikely]]
            capture_emit(r, {r.pc, r.pa, r.pb}, {r.po});
    });
    return out;
}

}  // namespace potatolemon::detail
