#include "flags.hpp"

namespace potatolemon::examples {

std::string parse_choice(const std::string& flag, const std::string& text,
                         std::initializer_list<const char*> choices) {
    std::string listed;
    for (const char* choice : choices) {
        if (text == choice) return text;
        listed += (listed.empty() ? "" : ", ") + std::string(choice);
    }
    throw UsageError(flag + ": '" + text + "' is not one of " + listed);
}

bool apply_flags(int argc, char** argv, const FlagTable& flags) {
    bool help = false;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            help = true;
            continue;
        }
        auto found = flags.find(flag);
        if (found == flags.end()) throw UsageError("unknown flag '" + flag + "'");
        if (i + 1 >= argc) throw UsageError(flag + ": missing value");
        found->second(flag, argv[++i]);
    }
    return help;
}

}  // namespace potatolemon::examples
