// dump_json: compact, deterministic JSON text. The same value always gives the same bytes, which is
// what lets a file header be compared or hashed.
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "nn/io/json.hpp"
#include "nn/io/utf8.hpp"

namespace potatolemon::io {

namespace {

void dump_string(std::string& out, const std::string& text) {
    if (const auto bad = utf8_find_invalid(text); bad != std::string_view::npos) {
        throw std::invalid_argument("dump_json: string is not valid UTF-8 at byte " +
                                    std::to_string(bad));
    }
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    const char* digits = "0123456789abcdef";
                    out += "\\u00";
                    out.push_back(digits[(c >> 4) & 0xF]);
                    out.push_back(digits[c & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

// Integers exactly; other doubles in the shortest text that reads back bit-identical.
void dump_number(std::string& out, const Json& value) {
    char buffer[32];
    std::to_chars_result result{};
    if (value.is_integer()) {
        result = std::to_chars(buffer, buffer + sizeof buffer, value.as_int64());
    } else {
        const double d = value.as_double();
        if (!std::isfinite(d)) {
            throw std::invalid_argument("dump_json: " + std::to_string(d) +
                                        " has no JSON representation");
        }
        result = std::to_chars(buffer, buffer + sizeof buffer, d);
    }
    out.append(buffer, result.ptr);
}

void dump_value(std::string& out, const Json& value) {
    switch (value.kind()) {
        case Json::Kind::null: out += "null"; break;
        case Json::Kind::boolean: out += value.as_bool() ? "true" : "false"; break;
        case Json::Kind::number: dump_number(out, value); break;
        case Json::Kind::string: dump_string(out, value.as_string()); break;
        case Json::Kind::array: {
            out.push_back('[');
            bool first = true;
            for (const Json& item : value.as_array()) {
                if (!first) out.push_back(',');
                first = false;
                dump_value(out, item);
            }
            out.push_back(']');
            break;
        }
        case Json::Kind::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, member] : value.as_object()) {
                if (!first) out.push_back(',');
                first = false;
                dump_string(out, key);
                out.push_back(':');
                dump_value(out, member);
            }
            out.push_back('}');
            break;
        }
    }
}

}  // namespace

std::string dump_json(const Json& value) {
    std::string out;
    dump_value(out, value);
    return out;
}

}  // namespace potatolemon::io
