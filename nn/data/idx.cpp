// IDX header checks shared by parse_idx and read_idx, and read_idx's file reading and gunzip.
#include "nn/data/idx.hpp"

#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>
#include <string_view>
#include <system_error>

#include "nn/data/format_error.hpp"
#include "nn/data/inflate.hpp"

namespace potatolemon::data {
namespace {

using detail::hex_byte;

struct IdxHeader {
    std::uint8_t type_code;
    std::vector<std::int64_t> dims;
    std::size_t data_offset;
};

std::string dims_string(const std::vector<std::int64_t>& dims) {
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
        s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

// Throws the FormatError of the function being run (parse_idx or read_idx) for one file.
struct Fail {
    std::string_view op;
    const std::string& source;
    [[noreturn]] void operator()(std::uint64_t offset, const std::string& what) const {
        detail::throw_format_error(op, source, offset, what);
    }
};

// Reads `rank` big-endian dims after the magic; returns their product times the element size,
// checked for overflow so that comparing it with the data size is exact.
std::uint64_t read_dims(std::span<const std::uint8_t> b, std::vector<std::int64_t>& dims,
                        std::size_t element_size, const Fail& fail) {
    std::uint64_t data_bytes = element_size;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const std::uint8_t* p = &b[4 + 4 * i];
        std::uint32_t d = std::uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
        dims[i] = d;
        if (d != 0 && data_bytes > std::numeric_limits<std::uint64_t>::max() / d)
            fail(4 + 4 * i, "expected dims whose byte count fits in 64 bits, found " +
                                dims_string({dims.begin(), dims.begin() + i + 1}) + "...");
        data_bytes *= d;
    }
    return data_bytes;
}

// Checks the magic, type, rank, dims and data size; returns where the element data starts.
IdxHeader parse_header(std::span<const std::uint8_t> b, const Fail& fail, IdxExpect expect) {
    if (b.size() < 4)
        fail(b.size(), "expected a 4-byte IDX magic, found " + std::to_string(b.size()) + " bytes");
    if (b[0] != 0 || b[1] != 0)
        fail(0, "expected IDX magic 0x00 0x00, found " + hex_byte(b[0]) + " " + hex_byte(b[1]));
    std::uint8_t type = b[2];
    std::size_t element_size = idx_element_size(type);
    if (element_size == 0)
        fail(2, "expected an IDX type code (0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e), found " +
                    hex_byte(type));
    if (expect.type_code >= 0 && type != expect.type_code)
        fail(2, "expected type code " + hex_byte(static_cast<std::uint8_t>(expect.type_code)) +
                    ", found " + hex_byte(type));
    unsigned rank = b[3];
    if (expect.rank >= 0 && rank != static_cast<unsigned>(expect.rank))
        fail(3, "expected dimension count " + std::to_string(expect.rank) + ", found " +
                    std::to_string(rank));
    std::size_t data_offset = 4 + 4 * std::size_t{rank};
    if (b.size() < data_offset)
        fail(b.size(), "expected " + std::to_string(rank) + " dimensions (header of " +
                           std::to_string(data_offset) + " bytes), found " +
                           std::to_string(b.size()) + " bytes");
    std::vector<std::int64_t> dims(rank);
    std::uint64_t data_bytes = read_dims(b, dims, element_size, fail);
    std::uint64_t found = b.size() - data_offset;
    if (found != data_bytes) {
        std::string what = "expected " + std::to_string(data_bytes) + " data bytes for dims " +
                           dims_string(dims) + " of " + std::to_string(element_size) +
                           "-byte elements, found " + std::to_string(found);
        if (found < data_bytes) fail(b.size(), what + " (data truncated)");
        fail(data_offset + data_bytes, what + " (trailing bytes)");
    }
    return {type, std::move(dims), data_offset};
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    auto fail = [&](const char* what) {
        throw std::system_error(errno, std::generic_category(),
                                "read_idx: " + std::string(what) + " '" + path + "'");
    };
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) fail("cannot open");
    std::vector<std::uint8_t> bytes;
    std::uint8_t chunk[1 << 16];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get()))
        bytes.insert(bytes.end(), chunk, chunk + n);
    if (std::ferror(file.get())) fail("cannot read");
    return bytes;
}

}  // namespace

std::size_t idx_element_size(std::uint8_t type_code) {
    switch (type_code) {
    case idx_ubyte:
    case idx_sbyte: return 1;
    case idx_short: return 2;
    case idx_int:
    case idx_float: return 4;
    case idx_double: return 8;
    default: return 0;
    }
}

IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source,
                   IdxExpect expect) {
    IdxHeader h = parse_header(bytes, Fail{"parse_idx", source}, expect);
    return {h.type_code, std::move(h.dims), {bytes.begin() + h.data_offset, bytes.end()}};
}

IdxArray read_idx(const std::string& path, IdxExpect expect) {
    std::vector<std::uint8_t> bytes = read_file(path);
    std::string source = path;
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        try {
            bytes = gunzip(bytes, path);
        } catch (const FormatError& e) {
            throw FormatError(std::string("read_idx: ") + e.what());
        }
        source += " (decompressed)";
    }
    IdxHeader h = parse_header(bytes, Fail{"read_idx", source}, expect);
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h.data_offset));
    return {h.type_code, std::move(h.dims), std::move(bytes)};
}

}  // namespace potatolemon::data
