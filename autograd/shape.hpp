// Shape: the dims of a tensor, stored inline (no allocation) up to kMaxRank dims, plus the helpers
// every op uses to validate shapes and dims: broadcasting, dim normalisation, formatting.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

namespace potatolemon {

class Shape {
public:
    static constexpr int kMaxRank = 16;

    Shape() {}
    // Throws ShapeError on a negative dim or more than kMaxRank dims.
    Shape(std::initializer_list<std::int64_t> dims)
        : Shape(std::span<const std::int64_t>(dims.begin(), dims.size())) {}
    explicit Shape(std::span<const std::int64_t> dims) {
        for (std::int64_t d : dims) push_back(d);
    }
    // Copies move only the dims in use: shapes are copied on every op.
    Shape(const Shape& other) : rank_(other.rank_) {
        for (int i = 0; i < rank_; ++i) dims_[i] = other.dims_[i];
    }
    Shape& operator=(const Shape& other) {
        rank_ = other.rank_;
        for (int i = 0; i < rank_; ++i) dims_[i] = other.dims_[i];
        return *this;
    }

    int rank() const { return rank_; }
    std::int64_t operator[](int i) const { return dims_[i]; }
    std::int64_t& operator[](int i) { return dims_[i]; }
    const std::int64_t* begin() const { return dims_.data(); }
    const std::int64_t* end() const { return dims_.data() + rank_; }
    // Throws ShapeError when the dims other than 0 multiply past int64, even if a dim is 0: every
    // tensor's strides and partial products of its dims (rows, planes) then fit in int64 too.
    std::int64_t numel() const {
        std::int64_t n = 1;
        for (std::int64_t d : *this)
            if (__builtin_mul_overflow(n, d, &n)) [[unlikely]]
                throw_numel_overflow();
        if (n == 0) [[unlikely]]
            check_dims_other_than_zero();  // a 0 ended the product above before it could overflow
        return n;
    }
    void push_back(std::int64_t dim) {  // throws ShapeError past kMaxRank
        if (rank_ == kMaxRank) [[unlikely]]
            throw_rank_too_high();
        if (dim < 0) [[unlikely]]
            throw_negative_dim(dim);
        dims_[rank_++] = dim;
    }
    void erase(int i);
    void insert(int i, std::int64_t dim);

    friend bool operator==(const Shape& a, const Shape& b) {
        if (a.rank_ != b.rank_) return false;
        for (int i = 0; i < a.rank_; ++i)
            if (a.dims_[i] != b.dims_[i]) return false;
        return true;
    }

private:
    [[noreturn]] static void throw_rank_too_high();
    [[noreturn]] static void throw_negative_dim(std::int64_t dim);
    [[noreturn]] void throw_numel_overflow() const;
    void check_dims_other_than_zero() const;

    std::array<std::int64_t, kMaxRank> dims_;  // only the first rank_ are meaningful
    int rank_ = 0;
};

std::string to_string(const Shape& shape);  // "[2, 3]"

// numpy broadcasting of two shapes; throws ShapeError naming `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Maps a possibly negative dim into [0, rank); throws IndexError naming `op`.
int normalize_dim(std::int64_t dim, int rank, const char* op);
// As normalize_dim, but rank 0 takes dim 0 or -1 (returning 0), as PyTorch's dim-taking ops
// treat a rank-0 tensor as having one dim of size 1.
int normalize_dim_or_scalar(std::int64_t dim, int rank, const char* op);

// Row-major strides in elements.
std::array<std::int64_t, Shape::kMaxRank> contiguous_strides(const Shape& shape);

}  // namespace potatolemon
