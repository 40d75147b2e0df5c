// libFuzzer target for nn/data/: every input goes to parse_idx as raw IDX bytes, and to gunzip
// followed by parse_idx on what it inflates. FormatError is the expected outcome for most inputs;
// a crash, a sanitizer report or any other exception escaping is a finding.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nn/data/idx.hpp"
#include "nn/data/inflate.hpp"

namespace {
// 16 MiB instead of gunzip's 1 GiB default keeps each run fast and far below libFuzzer's
// -rss_limit_mb, while still letting the fuzzer reach the cap and test that path.
constexpr std::size_t fuzz_max_output = std::size_t{1} << 24;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pd = potatolemon::data;
    std::span<const std::uint8_t> bytes(data, size);
    try {
        pd::IdxArray a = pd::parse_idx(bytes, "fuzz-input");
        if (a.bytes.size() > size) __builtin_trap();  // data can only come from the input
    } catch (const potatolemon::FormatError&) {
    }
    try {
        std::vector<std::uint8_t> out = pd::gunzip(bytes, "fuzz-input", fuzz_max_output);
        if (out.size() > fuzz_max_output) __builtin_trap();
        pd::parse_idx(out, "fuzz-input (decompressed)");
    } catch (const potatolemon::FormatError&) {
    }
    return 0;
}
