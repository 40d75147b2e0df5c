// SmallVector: a vector that keeps up to N elements inline, so a tape entry with one or two inputs
// costs no extra allocation (the common case on the hot path of small models).
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

namespace potatolemon {

template <class T, std::size_t N>
class SmallVector {
public:
    SmallVector() = default;
    SmallVector(std::initializer_list<T> items) {
        if (items.size() > N) {
            heap_.assign(items.begin(), items.end());
        } else {
            std::copy(items.begin(), items.end(), inline_.begin());
        }
        size_ = items.size();
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
