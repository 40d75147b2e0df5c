// libFuzzer target for parse_safetensors: any input must give entries or a FormatError; a crash,
// a sanitizer report or any other exception is a finding. Accepted files must also survive a
// write/read round trip unchanged, and any header that is valid JSON must survive dump/parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "nn/io/json.hpp"
#include "nn/io/safetensors.hpp"

namespace {

using potatolemon::io::Json;

// The header text when the length field fits the input, else an empty view.
std::string_view header_of(std::span<const std::byte> bytes) {
    if (bytes.size() < 8) return {};
    std::uint64_t length = 0;
    for (std::size_t k = 0; k < 8; ++k) {
        length |= std::to_integer<std::uint64_t>(bytes[k]) << (8 * k);
    }
    if (length > bytes.size() - 8) return {};
    return {reinterpret_cast<const char*>(bytes.data()) + 8, length};
}

void check_json_round_trip(std::string_view text) {
    Json value;
    try {
        value = potatolemon::io::parse_json(text);
    } catch (const potatolemon::FormatError&) {
        return;
    }
    const std::string once = potatolemon::io::dump_json(value);
    const Json again = potatolemon::io::parse_json(once);
    if (!(again == value) || potatolemon::io::dump_json(again) != once) std::abort();
}

bool same(const std::vector<potatolemon::io::SafetensorsEntry>& a,
          const std::vector<potatolemon::io::SafetensorsEntry>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].dtype != b[i].dtype || a[i].shape != b[i].shape ||
            a[i].data != b[i].data) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    check_json_round_trip(header_of(bytes));
    std::map<std::string, std::string> metadata;
    std::vector<potatolemon::io::SafetensorsEntry> entries;
    try {
        entries = potatolemon::io::parse_safetensors(bytes, "fuzz input", &metadata);
    } catch (const potatolemon::FormatError&) {
        return 0;
    }
    // What was read must be writable, and must read back the same.
    const auto written = potatolemon::io::serialize_safetensors(entries, metadata);
    std::map<std::string, std::string> metadata_again;
    const auto again = potatolemon::io::parse_safetensors(written, "round trip", &metadata_again);
    if (!same(entries, again) || metadata != metadata_again) std::abort();
    return 0;
}
