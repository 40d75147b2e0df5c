// The one way readers in nn/data/ report malformed input: a FormatError whose message reads
// "<op>: <source>: byte <offset>: <what>", where <what> says what was expected and what was found.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "autograd/errors.hpp"

namespace potatolemon::data::detail {

[[noreturn]] void throw_format_error(std::string_view op, std::string_view source,
                                     std::uint64_t offset, std::string_view what);

// "0x1f": how bytes from a file are shown in messages.
std::string hex_byte(std::uint8_t byte);

}  // namespace potatolemon::data::detail
