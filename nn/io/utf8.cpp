// Strict UTF-8 decoding and encoding (RFC 3629, table 3-7 of the Unicode standard).
#include "nn/io/utf8.hpp"

namespace potatolemon::io {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

std::size_t utf8_decode(std::string_view text, std::size_t pos, char32_t& code_point) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    // Lead bytes C0, C1 (overlong) and F5..F7 (past U+10FFFF) pass these masks and fail the
    // range checks at the end; 80..BF and F8..FF match no mask.
    std::size_t length = 0;
    char32_t min_value = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, code_point = lead & 0x1F, min_value = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, code_point = lead & 0x0F, min_value = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, code_point = lead & 0x07, min_value = 0x10000;
    } else {
        return 0;
    }
    if (text.size() - pos < length) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[pos + k]);
        if (!is_continuation(byte)) return 0;
        code_point = (code_point << 6) | (byte & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < min_value || code_point > 0x10FFFF || surrogate) return 0;
    return length;
}

std::size_t utf8_find_invalid(std::string_view text) {
    std::size_t pos = 0;
    char32_t code_point = 0;
    while (pos < text.size()) {
        const std::size_t length = utf8_decode(text, pos, code_point);
        if (length == 0) return pos;
        pos += length;
    }
    return std::string_view::npos;
}

void utf8_append(std::string& out, char32_t code_point) {
    const auto put = [&out](char32_t byte) { out.push_back(static_cast<char>(byte)); };
    if (code_point < 0x80) {
        put(code_point);
    } else if (code_point < 0x800) {
        put(0xC0 | (code_point >> 6));
        put(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        put(0xE0 | (code_point >> 12));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    } else {
        put(0xF0 | (code_point >> 18));
        put(0x80 | ((code_point >> 12) & 0x3F));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    }
}

}  // namespace potatolemon::io
