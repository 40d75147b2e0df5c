// UTF-8 checks shared by the JSON reader and writer: decoding one scalar value by RFC 3629's strict
// rules (no overlong forms, no surrogates, nothing past U+10FFFF) and encoding one back.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace potatolemon::io {

// Decodes the scalar value starting at text[pos] into `code_point` and returns its length in bytes
// (1 to 4), or 0 when the bytes there are not well-formed UTF-8.
std::size_t utf8_decode(std::string_view text, std::size_t pos, char32_t& code_point);

// Offset of the first byte that is not well-formed UTF-8, or std::string_view::npos.
std::size_t utf8_find_invalid(std::string_view text);

// Appends the UTF-8 encoding of a scalar value (code_point <= 0x10FFFF, not a surrogate).
void utf8_append(std::string& out, char32_t code_point);

}  // namespace potatolemon::io
