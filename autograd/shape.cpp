#include "autograd/shape.hpp"

#include <algorithm>
#include <limits>

#include "autograd/errors.hpp"

namespace potatolemon {

void Shape::throw_rank_too_high() {
    throw ShapeError("shape: rank above " + std::to_string(kMaxRank) + " is not supported");
}

void Shape::throw_negative_dim(std::int64_t dim) {
    throw ShapeError("shape: negative dim " + std::to_string(dim));
}

void Shape::throw_numel_overflow() const {
    throw ShapeError("shape: element count of " + to_string(*this) +
                     " (its dims other than 0) overflows int64");
}

void Shape::check_dims_other_than_zero() const {
    std::int64_t n = 1;
    for (std::int64_t d : *this)
        if (d != 0 && __builtin_mul_overflow(n, d, &n)) throw_numel_overflow();
}

void Shape::erase(int i) {
    std::copy(begin() + i + 1, end(), dims_.begin() + i);
    --rank_;
}

void Shape::insert(int i, std::int64_t dim) {
    push_back(dim);
    std::rotate(dims_.begin() + i, dims_.begin() + rank_ - 1, dims_.begin() + rank_);
}

std::string to_string(const Shape& shape) {
    std::string s = "[";
    for (int i = 0; i < shape.rank(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
    if (a == b) return a;
    const Shape& longer = a.rank() >= b.rank() ? a : b;
    const Shape& shorter = a.rank() >= b.rank() ? b : a;
    Shape out = longer;
    int offset = longer.rank() - shorter.rank();
    for (int i = 0; i < shorter.rank(); ++i) {
        std::int64_t x = longer[offset + i], y = shorter[i];
        if (x == y || y == 1) continue;
        if (x != 1)
            throw ShapeError(std::string(op) + ": cannot broadcast " + to_string(a) + " with " +
                             to_string(b));
        out[offset + i] = y;
    }
    return out;
}

int normalize_dim(std::int64_t dim, int rank, const char* op) {
    if (dim < -rank || dim >= rank)
        throw IndexError(std::string(op) + ": dim " + std::to_string(dim) +
                         " out of range for a tensor of rank " + std::to_string(rank));
    return static_cast<int>(dim < 0 ? dim + rank : dim);
}

int normalize_dim_or_scalar(std::int64_t dim, int rank, const char* op) {
    if (rank > 0) return normalize_dim(dim, rank, op);
    if (dim < -1 || dim > 0)
        throw IndexError(std::string(op) + ": dim " + std::to_string(dim) +
                         " out of range for a tensor of rank 0 (which takes dim 0 or -1)");
    return 0;
}

std::array<std::int64_t, Shape::kMaxRank> contiguous_strides(const Shape& shape) {
    std::array<std::int64_t, Shape::kMaxRank> strides{};
    std::int64_t s = 1;
    for (int i = shape.rank() - 1; i >= 0; --i) {
        strides[i] = s;
        s *= shape[i];
    }
    return strides;
}

}  // namespace potatolemon
