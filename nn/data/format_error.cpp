// Message formatting for nn/data/'s FormatError (see format_error.hpp).
#include "nn/data/format_error.hpp"

namespace potatolemon::data::detail {

void throw_format_error(std::string_view op, std::string_view source, std::uint64_t offset,
                        std::string_view what) {
    std::string message;
    message.append(op).append(": ").append(source).append(": byte ");
    message.append(std::to_string(offset)).append(": ").append(what);
    throw FormatError(message);
}

std::string hex_byte(std::uint8_t byte) {
    const char* digits = "0123456789abcdef";
    return {'0', 'x', digits[byte >> 4], digits[byte & 15]};
}

}  // namespace potatolemon::data::detail
