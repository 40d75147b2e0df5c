// Reading and checking StateDict scalars; every message names the key and both values.
#include "nn/optim/state_dict.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace potatolemon::nn {

io::Json json_double(double value) {
    if (std::isnan(value)) return io::Json("nan");
    if (std::isinf(value)) return io::Json(value > 0 ? "inf" : "-inf");
    return io::Json(value);
}

const io::Json& state_member(const io::Json& scalars, const std::string& key,
                             const std::string& who) {
    if (!scalars.is_object())
        throw FormatError(who + ": the state is a JSON " + io::json_kind_name(scalars.kind()) +
                          ", not an object");
    const io::Json* found = scalars.find(key);
    if (found == nullptr) throw FormatError(who + ": '" + key + "' is missing from the state");
    return *found;
}

double state_double(const io::Json& scalars, const std::string& key, const std::string& who) {
    return state_as_double(state_member(scalars, key, who), who + ": '" + key + "'");
}

double state_single(const io::Json& scalars, const std::string& key, const std::string& who) {
    const io::Json& value = state_member(scalars, key, who);
    if (!value.is_array() || value.as_array().size() != 1)
        throw FormatError(who + ": '" + key + "' is " + io::dump_json(value) +
                          ", not a list of one number");
    return state_as_double(value.as_array()[0], who + ": '" + key + "'");
}

double state_as_double(const io::Json& value, const std::string& what) {
    if (value.is_number()) return value.as_double();
    if (value.is_string()) {
        const std::string& text = value.as_string();
        constexpr double inf = std::numeric_limits<double>::infinity();
        if (text == "inf") return inf;
        if (text == "-inf") return -inf;
        if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    }
    throw FormatError(what + " is " + io::dump_json(value) + ", not a number");
}

std::int64_t state_int(const io::Json& scalars, const std::string& key, const std::string& who) {
    const io::Json& value = state_member(scalars, key, who);
    if (!value.is_integer())
        throw FormatError(who + ": '" + key + "' is " + io::dump_json(value) + ", not an integer");
    return value.as_int64();
}

void check_state_type(const StateDict& state, const std::string& type, const std::string& who) {
    if (state.type != type)
        throw FormatError(who + ": the state is of " +
                          (state.type.empty() ? std::string("no type") : state.type) + ", not " +
                          type);
}

void check_state_settings(const io::Json& scalars, const io::Json::Object& expected,
                          const std::vector<std::string>& free, const std::string& who) {
    for (const auto& [key, value] : expected) {
        const io::Json& found = state_member(scalars, key, who);
        if (!(found == value))
            throw FormatError(who + ": '" + key + "' is " + io::dump_json(found) +
                              " in the state but " + io::dump_json(value) + " here");
    }
    for (const auto& entry : scalars.as_object()) {
        const std::string& key = entry.first;  // a named local: clang 14 cannot capture bindings
        const bool known = std::any_of(expected.begin(), expected.end(),
                                       [&](const auto& member) { return member.first == key; });
        if (!known && std::find(free.begin(), free.end(), key) == free.end())
            throw FormatError(who + ": the state has '" + key + "', which this one does not");
    }
}

}  // namespace potatolemon::nn
