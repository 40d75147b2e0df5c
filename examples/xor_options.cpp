#include "xor_options.hpp"

#include <charconv>
#include <functional>
#include <map>

namespace potatolemon::examples {

namespace {
template <class T>
T parse_number(const std::string& flag, const std::string& text) {
    T value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw UsageError(flag + ": '" + text + "' is not a valid number");
    return value;
}

std::int64_t parse_positive(const std::string& flag, const std::string& text) {
    auto value = parse_number<std::int64_t>(flag, text);
    if (value <= 0) throw UsageError(flag + ": must be positive, got " + text);
    return value;
}

std::string parse_choice(const std::string& flag, const std::string& text, const char* a,
                         const char* b, const char* c = nullptr) {
    if (text == a || text == b || (c != nullptr && text == c)) return text;
    throw UsageError(flag + ": '" + text + "' is not one of " + a + ", " + b +
                     (c != nullptr ? std::string(", ") + c : std::string()));
}
}  // namespace

const char* xor_usage() {
    return "usage: xor [--epochs N] [--lr X] [--hidden N] [--activation tanh|sigmoid|relu]\n"
           "           [--optimizer sgd|adam] [--seed N] [--save FILE] [--csv FILE]\n"
           "           [--plot FILE] [--sweep N] [--help]\n"
           "Trains a 2-N-N-1 network (hidden activation, sigmoid output, binary cross-entropy,\n"
           "full batch) on XOR. Defaults reproduce the original potatolemon run: 2-3-3-1 tanh,\n"
           "SGD lr 0.01, 25000 epochs, seed 0. --sweep N trains seeds 0..N-1 and counts the runs\n"
           "whose four predictions all end within 0.1 of their targets.\n";
}

XorOptions parse_xor_options(int argc, char** argv) {
    XorOptions o;
    using Setter = std::function<void(const std::string&, const std::string&)>;
    const std::map<std::string, Setter> flags = {
        {"--epochs", [&](auto& f, auto& v) { o.epochs = parse_positive(f, v); }},
        {"--lr", [&](auto& f, auto& v) {
             o.lr = parse_number<double>(f, v);
             if (!(o.lr > 0)) throw UsageError(f + ": must be positive, got " + v);
         }},
        {"--hidden", [&](auto& f, auto& v) { o.hidden = parse_positive(f, v); }},
        {"--activation",
         [&](auto& f, auto& v) { o.activation = parse_choice(f, v, "tanh", "sigmoid", "relu"); }},
        {"--optimizer", [&](auto& f, auto& v) { o.optimizer = parse_choice(f, v, "sgd", "adam"); }},
        {"--seed", [&](auto& f, auto& v) { o.seed = parse_number<std::uint64_t>(f, v); }},
        {"--save", [&](auto&, auto& v) { o.save_path = v; }},
        {"--csv", [&](auto&, auto& v) { o.csv_path = v; }},
        {"--plot", [&](auto&, auto& v) { o.plot_path = v; }},
        {"--sweep", [&](auto& f, auto& v) { o.sweep = parse_positive(f, v); }},
    };
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            o.help = true;
            continue;
        }
        auto found = flags.find(flag);
        if (found == flags.end()) throw UsageError("unknown flag '" + flag + "'");
        if (i + 1 >= argc) throw UsageError(flag + ": missing value");
        found->second(flag, argv[++i]);
    }
    return o;
}

}  // namespace potatolemon::examples
