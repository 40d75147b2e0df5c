// A minimal JSON value with a strict RFC 8259 parser and a compact, deterministic writer.
// Enough for file headers (safetensors): objects keep key order and reject duplicate keys, numbers
// keep an exact int64 beside the double when written as integers. No comments, NaN or streaming.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "autograd/errors.hpp"

namespace potatolemon::io {

// Deeper nesting is rejected, so `[[[[...` cannot overflow the stack (serde_json's limit too).
inline constexpr std::size_t json_max_depth = 128;

// A JSON syntax error: what() is "json: byte N: <reason>"; offset and reason are kept apart so a
// caller can re-base the offset into a larger file.
struct JsonError : FormatError {
    JsonError(std::size_t offset, const std::string& reason);
    std::size_t offset;
    std::string reason;
};

class Json {
public:
    enum class Kind { null, boolean, number, string, array, object };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;  // insertion order, unique keys

    Json() = default;  // null
    Json(std::nullptr_t) {}
    Json(bool b) : value_(b) {}
    Json(double d) : value_(Number{d, 0, false}) {}
    Json(std::int64_t i) : value_(Number{static_cast<double>(i), i, true}) {}
    Json(int i) : Json(static_cast<std::int64_t>(i)) {}
    Json(const char* s) : value_(std::string(s)) {}
    Json(std::string s) : value_(std::move(s)) {}
    Json(Array a) : value_(std::move(a)) {}
    Json(Object o) : value_(std::move(o)) {}

    Kind kind() const { return static_cast<Kind>(value_.index()); }
    bool is_null() const { return kind() == Kind::null; }
    bool is_bool() const { return kind() == Kind::boolean; }
    bool is_number() const { return kind() == Kind::number; }
    // True for numbers written without fraction or exponent that fit in int64 (and Json(int64_t)).
    // "-0" is read as the double -0.0 so that its sign survives a round trip.
    bool is_integer() const;
    bool is_string() const { return kind() == Kind::string; }
    bool is_array() const { return kind() == Kind::array; }
    bool is_object() const { return kind() == Kind::object; }

    // Accessors throw std::logic_error naming both kinds when the value holds another kind.
    bool as_bool() const;
    double as_double() const;
    std::int64_t as_int64() const;  // also throws unless is_integer()
    const std::string& as_string() const;
    const Array& as_array() const;
    const Object& as_object() const;
    Array& as_array();
    Object& as_object();

    // The member named `key`, or nullptr when absent; throws std::logic_error unless an object.
    const Json* find(std::string_view key) const;

    // Where the parser found this value (byte offset into its text); 0 for values built in code.
    std::size_t source_offset() const { return source_offset_; }
    void set_source_offset(std::size_t offset) { source_offset_ = offset; }

    // Structural equality; numbers compare as int64 when both are integers, else as doubles.
    // Object member order matters (it is part of what dump_json writes).
    friend bool operator==(const Json& a, const Json& b);

private:
    struct Number {
        double value;
        std::int64_t exact;
        bool integral;
        friend bool operator==(const Number&, const Number&) = default;
    };
    std::variant<std::nullptr_t, bool, Number, std::string, Array, Object> value_ = nullptr;
    std::size_t source_offset_ = 0;
};

// "null", "bool", "number", "string", "array", "object": for error messages.
const char* json_kind_name(Json::Kind kind);

// Parses exactly one JSON value (surrounding whitespace allowed). Strings must be valid UTF-8;
// \uXXXX escapes, surrogate pairs included, decode to UTF-8. Throws JsonError with the byte offset
// and what was expected, e.g. `json: byte 17: expected ',' or '}', found 'x'`.
Json parse_json(std::string_view text);

// Compact JSON with no whitespace, members in stored order, integers as integers and other numbers
// in the shortest form that reads back to the same double. Throws std::invalid_argument for NaN or
// infinity and for strings that are not valid UTF-8, neither of which JSON can carry.
std::string dump_json(const Json& value);

}  // namespace potatolemon::io
