// Json value accessors, equality and JsonError; parsing lives in json_parse.cpp and writing in
// json_dump.cpp.
#include <stdexcept>

#include "nn/io/json.hpp"

namespace potatolemon::io {

JsonError::JsonError(std::size_t offset_, const std::string& reason_)
    : FormatError("json: byte " + std::to_string(offset_) + ": " + reason_),
      offset(offset_),
      reason(reason_) {}

const char* json_kind_name(Json::Kind kind) {
    switch (kind) {
        case Json::Kind::null: return "null";
        case Json::Kind::boolean: return "bool";
        case Json::Kind::number: return "number";
        case Json::Kind::string: return "string";
        case Json::Kind::array: return "array";
        case Json::Kind::object: return "object";
    }
    return "?";
}

namespace {

[[noreturn]] void throw_wrong_kind(const char* accessor, Json::Kind want, Json::Kind have) {
    throw std::logic_error(std::string("Json::") + accessor + ": expected " + json_kind_name(want) +
                           ", value is " + json_kind_name(have));
}

}  // namespace

bool Json::is_integer() const {
    const auto* number = std::get_if<Number>(&value_);
    return number != nullptr && number->integral;
}

bool Json::as_bool() const {
    if (!is_bool()) throw_wrong_kind("as_bool", Kind::boolean, kind());
    return std::get<bool>(value_);
}

double Json::as_double() const {
    if (!is_number()) throw_wrong_kind("as_double", Kind::number, kind());
    return std::get<Number>(value_).value;
}

std::int64_t Json::as_int64() const {
    if (!is_number()) throw_wrong_kind("as_int64", Kind::number, kind());
    if (!is_integer()) throw std::logic_error("Json::as_int64: number is not an exact integer");
    return std::get<Number>(value_).exact;
}

const std::string& Json::as_string() const {
    if (!is_string()) throw_wrong_kind("as_string", Kind::string, kind());
    return std::get<std::string>(value_);
}

const Json::Array& Json::as_array() const {
    if (!is_array()) throw_wrong_kind("as_array", Kind::array, kind());
    return std::get<Array>(value_);
}

const Json::Object& Json::as_object() const {
    if (!is_object()) throw_wrong_kind("as_object", Kind::object, kind());
    return std::get<Object>(value_);
}

Json::Array& Json::as_array() {
    if (!is_array()) throw_wrong_kind("as_array", Kind::array, kind());
    return std::get<Array>(value_);
}

Json::Object& Json::as_object() {
    if (!is_object()) throw_wrong_kind("as_object", Kind::object, kind());
    return std::get<Object>(value_);
}

const Json* Json::find(std::string_view key) const {
    for (const auto& [name, member] : as_object()) {
        if (name == key) return &member;
    }
    return nullptr;
}

bool operator==(const Json& a, const Json& b) {
    if (a.kind() != b.kind()) return false;
    if (a.is_number()) {
        if (a.is_integer() && b.is_integer()) return a.as_int64() == b.as_int64();
        return a.as_double() == b.as_double();
    }
    return a.value_ == b.value_;
}

}  // namespace potatolemon::io
