// gunzip: the gzip member wrapper (header fields, CRC-32 and ISIZE trailer) around the deflate
// decoder in deflate.cpp, plus the size policy described in inflate.hpp.
#include "nn/data/inflate.hpp"

#include <algorithm>

#include "nn/data/crc32.hpp"
#include "nn/data/deflate.hpp"
#include "nn/data/format_error.hpp"

namespace potatolemon::data {
namespace {

using detail::hex_byte;

// RFC 1952 2.3.1 FLG bits; bits 5-7 are reserved and must be zero.
constexpr std::uint8_t flag_hcrc = 2, flag_extra = 4, flag_name = 8, flag_comment = 16;
constexpr std::uint8_t flags_reserved = 0xE0;
constexpr std::size_t header_size = 10, trailer_size = 8;
constexpr std::size_t max_deflate_ratio = 1032;  // 258 bytes from a 2-bit length/distance pair

std::uint32_t load_le32(const std::uint8_t* p) {
    return p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24;
}

std::string hex32(std::uint32_t v) {
    std::string s = "0x";
    for (int shift = 24; shift >= 0; shift -= 8)
        s += hex_byte(static_cast<std::uint8_t>(v >> shift)).substr(2);
    return s;
}

std::string hex16(unsigned v) {
    return hex_byte(static_cast<std::uint8_t>(v >> 8)) + hex_byte(v & 255).substr(2);
}

class MemberReader {
public:
    MemberReader(std::span<const std::uint8_t> in, const std::string& source)
        : in_(in), source_(source) {}

    // Checks the header of the member at `pos`; returns where its deflate data starts.
    std::size_t header(std::size_t pos, bool first);
    // Checks the trailer at `pos` against the member's output, which starts at `start`.
    void trailer(std::size_t pos, const detail::InflateOutput& out, std::size_t start);

private:
    [[noreturn]] void fail(std::size_t offset, const std::string& what) const {
        detail::throw_format_error("gunzip", source_, offset, what);
    }
    void need(std::size_t pos, std::size_t n, const char* what) const {
        if (in_.size() - pos < n)
            fail(in_.size(), std::string("truncated: expected ") + what + ", found end of data");
    }
    std::size_t skip_zero_terminated(std::size_t pos, const char* what) const;

    std::span<const std::uint8_t> in_;
    const std::string& source_;
};

std::size_t MemberReader::header(std::size_t pos, bool first) {
    std::size_t left = in_.size() - pos;
    if (left < 2 || in_[pos] != 0x1f || in_[pos + 1] != 0x8b) {
        std::string found = left == 0 ? "end of data" : hex_byte(in_[pos]);
        // append(), not `" " + string`: GCC 12 -O3 warns falsely on that (-Wrestrict, GCC 105651).
        if (left >= 2) found.append(" ").append(hex_byte(in_[pos + 1]));
        fail(pos, std::string(first ? "expected gzip magic 0x1f 0x8b"
                                    : "expected another gzip member (0x1f 0x8b) or end of data") +
                      ", found " + found);
    }
    need(pos, header_size, "a 10-byte gzip header");
    if (in_[pos + 2] != 8)
        fail(pos + 2, "expected compression method 8 (deflate), found " + hex_byte(in_[pos + 2]));
    std::uint8_t flags = in_[pos + 3];
    if (flags & flags_reserved)
        fail(pos + 3, "expected reserved flag bits 5-7 clear, found flags " + hex_byte(flags));
    std::size_t p = pos + header_size;  // MTIME, XFL and OS are not needed
    if (flags & flag_extra) {
        need(p, 2, "the FEXTRA length");
        std::size_t xlen = in_[p] | in_[p + 1] << 8;
        need(p + 2, xlen, "the FEXTRA field");
        p += 2 + xlen;
    }
    if (flags & flag_name) p = skip_zero_terminated(p, "the end of FNAME");
    if (flags & flag_comment) p = skip_zero_terminated(p, "the end of FCOMMENT");
    if (flags & flag_hcrc) {
        need(p, 2, "the header CRC");
        unsigned stored = in_[p] | in_[p + 1] << 8;
        unsigned computed = crc32(in_.subspan(pos, p - pos)) & 0xFFFF;
        if (stored != computed)
            fail(p, "expected header CRC-16 " + hex16(computed) + ", found " + hex16(stored));
        p += 2;
    }
    return p;
}

std::size_t MemberReader::skip_zero_terminated(std::size_t pos, const char* what) const {
    auto rest = in_.subspan(pos);
    auto zero = std::find(rest.begin(), rest.end(), std::uint8_t{0});
    if (zero == rest.end())
        fail(in_.size(), std::string("truncated: expected ") + what + ", found end of data");
    return pos + static_cast<std::size_t>(zero - rest.begin()) + 1;
}

void MemberReader::trailer(std::size_t pos, const detail::InflateOutput& out, std::size_t start) {
    need(pos, trailer_size, "an 8-byte gzip trailer (CRC-32, ISIZE)");
    std::size_t size = out.size() - start;
    std::uint32_t crc = crc32({out.data() + start, size});
    std::uint32_t stored_crc = load_le32(&in_[pos]);
    if (crc != stored_crc)
        fail(pos, "expected CRC-32 " + hex32(stored_crc) + " (trailer), found " + hex32(crc) +
                      " (decompressed data)");
    std::uint32_t stored_size = load_le32(&in_[pos + 4]);
    if (stored_size != static_cast<std::uint32_t>(size))
        fail(pos + 4, "expected ISIZE " + std::to_string(stored_size) + " (trailer), found " +
                          std::to_string(size) + " bytes decompressed (mod 2^32)");
}

// First allocation: the last member's ISIZE (exact for the usual single member under 4 GiB),
// bounded by what the input could possibly expand to and by the cap.
std::size_t size_hint(std::span<const std::uint8_t> bytes, std::size_t max_output) {
    if (bytes.size() < header_size + trailer_size) return 0;
    std::size_t claimed = load_le32(bytes.data() + bytes.size() - 4);
    std::size_t possible = bytes.size() <= max_output / max_deflate_ratio
                               ? bytes.size() * max_deflate_ratio : max_output;
    return std::min({claimed, possible, max_output});
}

}  // namespace

std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> bytes, const std::string& source,
                                 std::size_t max_output) {
    MemberReader members(bytes, source);
    detail::InflateOutput out(max_output, size_hint(bytes, max_output));
    std::size_t pos = 0;
    do {
        std::size_t start = out.size();
        detail::BitReader in(bytes, members.header(pos, pos == 0), source);
        detail::inflate_stream(in, out, start);
        in.align_to_byte();
        members.trailer(in.byte_position(), out, start);
        pos = in.byte_position() + trailer_size;
    } while (pos < bytes.size());
    return out.release();
}

}  // namespace potatolemon::data
