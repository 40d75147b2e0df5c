// The dtype table of the safetensors format and the size arithmetic both directions share.
#include <array>
#include <limits>
#include <utility>

#include "nn/io/safetensors.hpp"
#include "nn/io/safetensors_detail.hpp"

namespace potatolemon::io {

std::size_t safetensors_dtype_size(std::string_view dtype) {
    // clang-format off
    static constexpr std::array<std::pair<std::string_view, std::size_t>, 15> table{{
        {"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"F8_E5M2", 1}, {"F8_E4M3", 1},
        {"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
        {"I32", 4}, {"U32", 4}, {"F32", 4},
        {"I64", 8}, {"U64", 8}, {"F64", 8},
    }};
    // clang-format on
    for (const auto& [name, size] : table) {
        if (name == dtype) return size;
    }
    return 0;
}

namespace detail {

std::string dims_string(const std::vector<std::int64_t>& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(shape[i]);
    }
    return out + "]";
}

std::optional<std::uint64_t> checked_nbytes(const std::vector<std::int64_t>& shape,
                                            std::uint64_t element_size) {
    // The product of the non-zero dims must fit too, even when a zero dim makes the tensor empty:
    // code downstream multiplies dims in int64 in whatever order it likes.
    constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t total = element_size;
    bool empty = false;
    for (const std::int64_t dim : shape) {
        if (dim < 0) return std::nullopt;
        if (dim == 0) {
            empty = true;
            continue;
        }
        const auto udim = static_cast<std::uint64_t>(dim);
        if (total > limit / udim) return std::nullopt;
        total *= udim;
    }
    return empty ? 0 : total;
}

}  // namespace detail

}  // namespace potatolemon::io
