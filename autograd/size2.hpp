// Size2: the (height, width) pair that 2-D convolution and pooling take for kernel sizes, strides,
// paddings and dilations (OptionalSize2 where it may be left out). One number stands for both, as
// LibTorch's ExpandingArray<2> does, so `conv2d(x, w, b, 2, 1)` and
// `conv2d(x, w, b, {2, 1}, {1, 0})` both read naturally.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace potatolemon {

struct Size2 {
    Size2(std::int64_t both) : h(both), w(both) {}  // NOLINT: implicit on purpose
    Size2(std::int64_t height, std::int64_t width) : h(height), w(width) {}
    std::int64_t h, w;
    bool operator==(const Size2&) const = default;
};

// A Size2 that may be left out (a pooling layer's stride, which then is the kernel size). Braces
// work as for Size2, {2, 1}, where std::optional<Size2> would read them as its own arguments.
struct OptionalSize2 {
    OptionalSize2() = default;
    OptionalSize2(std::nullopt_t) {}                   // NOLINT: implicit on purpose
    OptionalSize2(std::int64_t both) : value(both) {}  // NOLINT
    OptionalSize2(std::int64_t height, std::int64_t width) : value(Size2(height, width)) {}
    OptionalSize2(Size2 size) : value(size) {}                 // NOLINT
    OptionalSize2(std::optional<Size2> size) : value(size) {}  // NOLINT
    std::optional<Size2> value;
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
