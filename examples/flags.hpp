// Command-line flags for the examples: `--name value` pairs applied through a table of setters,
// value parsers that name the flag in their errors, and --help.
#pragma once
#include <charconv>
#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>

namespace potatolemon::examples {

// A bad flag or value; main prints it with the usage and exits with status 2.
struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

template <class T>
T parse_number(const std::string& flag, const std::string& text) {
    T value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw UsageError(flag + ": '" + text + "' is not a valid number");
    return value;
}

template <class T>
T parse_positive(const std::string& flag, const std::string& text) {
    const T value = parse_number<T>(flag, text);
    if (!(value > 0)) throw UsageError(flag + ": must be positive, got " + text);
    return value;
}

// `text` if it is one of `choices`, else a UsageError listing them.
std::string parse_choice(const std::string& flag, const std::string& text,
                         std::initializer_list<const char*> choices);

// flag name → setter(flag, value).
using FlagTable =
    std::map<std::string, std::function<void(const std::string&, const std::string&)>>;

// Applies every `--flag value` in argv through `flags`; returns whether --help (or -h) was given.
// Throws UsageError for an unknown flag or a missing value.
bool apply_flags(int argc, char** argv, const FlagTable& flags);

}  // namespace potatolemon::examples
