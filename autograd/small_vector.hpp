// SmallVector: a vector that keeps up to N elements inline, so a tape entry with one or two inputs
// costs no extra allocation (the common case on the hot path of small models).
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace potatolemon {

template <class T, std::size_t N>
class SmallVector {
public:
    SmallVector() = default;
    // From the items themselves, each copied or moved once into place: an initializer_list would
    // copy every item twice, and a Tensor copy costs a reference count (ops build their tape
    // entry's inputs, and backwards their gradients, this way).
    template <class... U>
    SmallVector(U&&... items) requires(sizeof...(U) > 0 && (std::is_convertible_v<U&&, T> && ...))
        : size_(sizeof...(U)) {
        if constexpr (sizeof...(U) > N) {
            heap_.reserve(sizeof...(U));
            (heap_.emplace_back(std::forward<U>(items)), ...);
        } else {
            std::size_t i = 0;
            ((inline_[i++] = std::forward<U>(items)), ...);
        }
    }
    explicit SmallVector(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) push_back(T{});
    }

    void push_back(T item) {
        if (size_ < N) {
            inline_[size_++] = std::move(item);
            return;
        }
        if (size_ == N) {
            for (std::size_t i = 0; i < size_; ++i) heap_.push_back(std::move(inline_[i]));
        }
        heap_.push_back(std::move(item));
        ++size_;
    }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // The items live inline up to N, all on the heap past it.
    T* begin() { return size_ <= N ? inline_.data() : heap_.data(); }
    T* end() { return begin() + size_; }
    const T* begin() const { return size_ <= N ? inline_.data() : heap_.data(); }
    const T* end() const { return begin() + size_; }
    T& operator[](std::size_t i) { return begin()[i]; }
    const T& operator[](std::size_t i) const { return begin()[i]; }
    void clear() {
        inline_ = {};
        heap_.clear();
        size_ = 0;
    }

private:
    std::array<T, N> inline_{};
    std::vector<T> heap_;
    std::size_t size_ = 0;
};

}  // namespace potatolemon
