#include "autograd/elementwise_kernels.hpp"

namespace potatolemon::detail {

std::array<std::int64_t, Shape::kMaxRank> broadcast_strides(const Shape& shape, const Shape& out) {
    std::array<std::int64_t, Shape::kMaxRank> strides{};
    auto own = contiguous_strides(shape);
    int offset = out.rank() - shape.rank();
    for (int d = 0; d < shape.rank(); ++d) strides[offset + d] = shape[d] == 1 ? 0 : own[d];
    return strides;
}

}  // namespace potatolemon::detail
