// parse_json: a recursive-descent reader of RFC 8259 JSON. Every failure is a JsonError at the byte
// where reading stopped, saying what was expected and what was found there.
#include <charconv>
#include <unordered_set>

#include "nn/io/json.hpp"
#include "nn/io/utf8.hpp"

namespace potatolemon::io {

namespace {

std::string hex_byte(unsigned char byte) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[byte >> 4] + digits[byte & 0xF];
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Json parse_document() {
        Json value = parse_value(0);
        skip_whitespace();
        if (pos_ != text_.size()) fail_expected("end of input");
        return value;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;

    bool at_end() const { return pos_ >= text_.size(); }
    bool peek_is(char c) const { return !at_end() && text_[pos_] == c; }

    std::string found() const {
        if (at_end()) return "end of input";
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte >= 0x20 && byte < 0x7F) return std::string("'") + text_[pos_] + "'";
        return "byte " + hex_byte(byte);
    }

    [[noreturn]] void fail_expected(const std::string& what) const {
        throw JsonError(pos_, "expected " + what + ", found " + found());
    }

    void skip_whitespace() {
        while (!at_end()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++pos_;
        }
    }

    Json parse_value(std::size_t depth) {
        skip_whitespace();
        const std::size_t start = pos_;
        Json value;
        if (peek_is('{') || peek_is('[')) {
            if (depth >= json_max_depth) {
                throw JsonError(
                    pos_, "nesting deeper than " + std::to_string(json_max_depth) + " levels");
            }
            value = peek_is('{') ? parse_object(depth + 1) : parse_array(depth + 1);
        } else if (peek_is('"')) {
            value = parse_string();
        } else if (peek_is('t')) {
            value = parse_literal("true", true);
        } else if (peek_is('f')) {
            value = parse_literal("false", false);
        } else if (peek_is('n')) {
            value = parse_literal("null", nullptr);
        } else if (peek_is('-') || (!at_end() && is_digit(text_[pos_]))) {
            value = parse_number();
        } else {
            fail_expected("a JSON value");
        }
        value.set_source_offset(start);
        return value;
    }

    Json parse_literal(std::string_view word, Json value) {
        for (char c : word) {
            if (!peek_is(c)) {
                fail_expected(std::string("'") + c + "' of '" + std::string(word) + "'");
            }
            ++pos_;
        }
        return value;
    }

    Json parse_object(std::size_t depth) {
        ++pos_;  // '{'
        Json::Object members;
        std::unordered_set<std::string> seen;  // filled only once the object gets large
        skip_whitespace();
        if (peek_is('}')) {
            ++pos_;
            return Json(std::move(members));
        }
        while (true) {
            skip_whitespace();
            if (!peek_is('"')) fail_expected("a string key");
            const std::size_t key_at = pos_;
            std::string key = parse_string();
            if (is_duplicate(members, seen, key)) {
                throw JsonError(key_at, "duplicate key " + dump_json(Json(key)));
            }
            skip_whitespace();
            if (!peek_is(':')) fail_expected("':'");
            ++pos_;
            Json member = parse_value(depth);
            members.emplace_back(std::move(key), std::move(member));
            skip_whitespace();
            if (peek_is('}')) break;
            if (!peek_is(',')) fail_expected("',' or '}'");
            ++pos_;
        }
        ++pos_;
        return Json(std::move(members));
    }

    // A scan while the object is small (a safetensors entry has three keys), a hash set once it
    // is large (the header itself has one key per tensor), so neither case pays for the other.
    static bool is_duplicate(const Json::Object& members, std::unordered_set<std::string>& seen,
                             const std::string& key) {
        constexpr std::size_t scan_limit = 16;
        if (members.size() < scan_limit) {
            for (const auto& member : members) {
                if (member.first == key) return true;
            }
            return false;
        }
        if (seen.empty()) {
            for (const auto& member : members) seen.insert(member.first);
        }
        return !seen.insert(key).second;
    }

    Json parse_array(std::size_t depth) {
        ++pos_;  // '['
        Json::Array items;
        skip_whitespace();
        if (peek_is(']')) {
            ++pos_;
            return Json(std::move(items));
        }
        while (true) {
            items.push_back(parse_value(depth));
            skip_whitespace();
            if (peek_is(']')) break;
            if (!peek_is(',')) fail_expected("',' or ']'");
            ++pos_;
        }
        ++pos_;
        return Json(std::move(items));
    }

    void skip_digits() {
        while (!at_end() && is_digit(text_[pos_])) ++pos_;
    }

    void expect_digit(const char* where) {
        if (at_end() || !is_digit(text_[pos_])) fail_expected(std::string("a digit ") + where);
    }

    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? ; integral when it has no fraction or exponent.
    Json parse_number() {
        const std::size_t start = pos_;
        if (peek_is('-')) ++pos_;
        expect_digit("in the number");
        if (peek_is('0')) {
            ++pos_;
        } else {
            skip_digits();
        }
        bool integral = true;
        if (peek_is('.')) {
            ++pos_;
            expect_digit("after '.'");
            skip_digits();
            integral = false;
        }
        if (peek_is('e') || peek_is('E')) {
            ++pos_;
            if (peek_is('+') || peek_is('-')) ++pos_;
            expect_digit("in the exponent");
            skip_digits();
            integral = false;
        }
        return number_from(text_.substr(start, pos_ - start), start, integral);
    }

    static Json number_from(std::string_view literal, std::size_t start, bool integral) {
        const char* first = literal.data();
        const char* last = first + literal.size();
        if (integral) {
            std::int64_t exact = 0;
            const auto [end, error] = std::from_chars(first, last, exact);
            // "-0" stays a double so that dump_json can write its sign back.
            if (error == std::errc() && end == last && !(exact == 0 && literal[0] == '-')) {
                return Json(exact);
            }
        }
        double value = 0;
        const auto [end, error] = std::from_chars(first, last, value);
        if (error != std::errc() || end != last) {
            throw JsonError(start, "number " + std::string(literal) + " is out of double range");
        }
        return Json(value);
    }

    std::string parse_string() {
        ++pos_;  // opening '"'
        std::string out;
        while (true) {
            if (at_end()) fail_expected("'\"' to close the string");
            const auto byte = static_cast<unsigned char>(text_[pos_]);
            if (byte == '"') break;
            if (byte == '\\') {
                parse_escape(out);
            } else if (byte < 0x20) {
                throw JsonError(
                    pos_, "control character " + hex_byte(byte) + " in a string must be escaped");
            } else {
                append_utf8_run(out);
            }
        }
        ++pos_;
        return out;
    }

    // Copies plain characters up to the next quote, backslash or control byte, checking UTF-8.
    void append_utf8_run(std::string& out) {
        const std::size_t start = pos_;
        char32_t code_point = 0;
        while (!at_end()) {
            const auto byte = static_cast<unsigned char>(text_[pos_]);
            if (byte == '"' || byte == '\\' || byte < 0x20) break;
            const std::size_t length = utf8_decode(text_, pos_, code_point);
            if (length == 0) throw JsonError(pos_, "invalid UTF-8 in a string");
            pos_ += length;
        }
        out.append(text_.substr(start, pos_ - start));
    }

    void parse_escape(std::string& out) {
        const std::size_t start = pos_;
        ++pos_;  // '\'
        const char c = at_end() ? '\0' : text_[pos_];
        const std::string_view simple = "\"\\/bfnrt";
        const std::string_view decoded = "\"\\/\b\f\n\r\t";
        if (const auto k = simple.find(c); c != '\0' && k != std::string_view::npos) {
            out.push_back(decoded[k]);
            ++pos_;
            return;
        }
        if (c != 'u') fail_expected("an escape character (one of \"\\/bfnrtu)");
        ++pos_;
        utf8_append(out, parse_unicode_escape(start));
    }

    // After "\u": one code unit, or a surrogate pair written as two escapes.
    char32_t parse_unicode_escape(std::size_t start) {
        const char32_t unit = parse_hex4();
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            throw JsonError(start, "\\u escape is a lone low surrogate");
        }
        if (unit < 0xD800 || unit > 0xDBFF) return unit;
        if (text_.substr(pos_, 2) != "\\u") {
            throw JsonError(start, "\\u escape is a high surrogate without its low half");
        }
        pos_ += 2;
        const char32_t low = parse_hex4();
        if (low < 0xDC00 || low > 0xDFFF) {
            throw JsonError(start, "\\u escape is a high surrogate without its low half");
        }
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }

    char32_t parse_hex4() {
        char32_t unit = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = at_end() ? '\0' : text_[pos_];
            char32_t digit = 0;
            if (c >= '0' && c <= '9') {
                digit = static_cast<char32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                digit = static_cast<char32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                digit = static_cast<char32_t>(c - 'A' + 10);
            } else {
                fail_expected("a hex digit");
            }
            unit = unit * 16 + digit;
            ++pos_;
        }
        return unit;
    }
};

}  // namespace

Json parse_json(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace potatolemon::io
