// Helpers for the safetensors tests: little-endian byte builders, hand-made files, a scratch
// directory that removes itself, and where the committed fixtures live.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace potatolemon::io::test {

inline void append_le(std::vector<std::byte>& out, std::uint64_t value, int nbytes) {
    for (int k = 0; k < nbytes; ++k) out.push_back(static_cast<std::byte>(value >> (8 * k)));
}

// Raw little-endian bytes of float bit patterns, so NaN payloads survive exactly as written.
inline std::vector<std::byte> f32_bits(const std::vector<std::uint32_t>& patterns) {
    std::vector<std::byte> out;
    for (const std::uint32_t p : patterns) append_le(out, p, 4);
    return out;
}

inline std::vector<std::byte> f64_bits(const std::vector<std::uint64_t>& patterns) {
    std::vector<std::byte> out;
    for (const std::uint64_t p : patterns) append_le(out, p, 8);
    return out;
}

// A file as the format describes it: u64 LE header length, the header text, the data bytes.
// `declared_length` overrides the length field, to build files that lie about it.
inline std::vector<std::byte> file_of(const std::string& header, std::size_t data_size,
                                      std::uint64_t declared_length = UINT64_MAX) {
    std::vector<std::byte> out;
    append_le(out, declared_length == UINT64_MAX ? header.size() : declared_length, 8);
    for (const char c : header) out.push_back(static_cast<std::byte>(c));
    for (std::size_t i = 0; i < data_size; ++i) out.push_back(static_cast<std::byte>(i));
    return out;
}

inline std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
    std::vector<std::byte> out(std::filesystem::file_size(path));
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return {};
    const std::size_t got = std::fread(out.data(), 1, out.size(), f);
    std::fclose(f);
    out.resize(got);
    return out;
}

// A fresh directory under the system temp dir, deleted with everything in it at scope exit.
class ScratchDir {
public:
    ScratchDir() {
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("potatolemon-io-" + std::to_string(random()) + std::to_string(random()));
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& item : std::filesystem::directory_iterator(path_)) {
            out.push_back(item.path().filename().string());
        }
        return out;
    }

private:
    std::filesystem::path path_;
};

// tests/nn/io/fixtures, found from this header's own path. meson may compile with a path relative
// to the build directory; the tests then also run there, where that relative path still resolves.
inline std::filesystem::path fixture_dir() {
    const std::filesystem::path here = std::filesystem::path(__FILE__).parent_path() / "fixtures";
    if (std::filesystem::exists(here)) return here;
#ifdef POTATOLEMON_TEST_ROOT
    return std::filesystem::path(POTATOLEMON_TEST_ROOT) / "nn" / "io" / "fixtures";
#else
    return here;
#endif
}

}  // namespace potatolemon::io::test
