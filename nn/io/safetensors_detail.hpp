// Helpers shared by the safetensors reader and writer; not part of the public interface.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace potatolemon::io::detail {

// "[2, 3]" for messages.
std::string dims_string(const std::vector<std::int64_t>& shape);

// numel(shape) * element_size in bytes, or nullopt when a dim is negative or the product of the
// non-zero dims and element_size exceeds int64 (a hostile file can claim 2^40 x 2^40 elements).
std::optional<std::uint64_t> checked_nbytes(const std::vector<std::int64_t>& shape,
                                            std::uint64_t element_size);

}  // namespace potatolemon::io::detail
