// Size2: the (height, width) pair that 2-D convolution and pooling take for kernel sizes, strides,
// paddings and dilations. One number stands for both, as LibTorch's ExpandingArray<2> does, so
// `conv2d(x, w, b, 2, 1)` and `conv2d(x, w, b, {2, 1}, {1, 0})` both read naturally.
#pragma once
#include <cstdint>
#include <string>

namespace potatolemon {

struct Size2 {
    Size2(std::int64_t both) : h(both), w(both) {}  // NOLINT: implicit on purpose
    Size2(std::int64_t height, std::int64_t width) : h(height), w(width) {}
    std::int64_t h, w;
    bool operator==(const Size2&) const = default;
};

// Appended piece by piece: `"(" + std::to_string(...)` trips GCC 12's -Wrestrict at -O3 (a false
// positive, GCC bug 105329).
inline std::string to_string(Size2 s) {
    std::string out = "(";
    out += std::to_string(s.h);
    out += ", ";
    out += std::to_string(s.w);
    return out + ")";
}

}  // namespace potatolemon
