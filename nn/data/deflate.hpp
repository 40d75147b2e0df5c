// Raw deflate decoding (RFC 1951: stored, fixed and dynamic Huffman blocks), internal to gunzip.
// Output goes to an InflateOutput, a growing buffer with a hard size limit, so a small input that
// expands without bound (a "decompression bomb") stops at the limit instead of exhausting memory.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/data/bit_reader.hpp"

namespace potatolemon::data::detail {

class InflateOutput {
public:
    // `size_hint` is the expected final size (gzip's ISIZE); more is allocated on demand.
    InflateOutput(std::size_t limit, std::size_t size_hint);

    std::size_t size() const { return size_; }
    std::size_t limit() const { return limit_; }
    const std::uint8_t* data() const { return buf_.data(); }
    // The output so far, trimmed to size (the buffer is unusable afterwards).
    std::vector<std::uint8_t> release();

    // Room for n more bytes plus copy_slack, which lets copy_match move whole 8-byte words
    // past the match end.
    bool has_room(std::size_t n) const { return n + copy_slack <= buf_.size() - size_; }
    // Makes has_room(n) true, growing the buffer; false if that would pass the limit.
    bool reserve(std::size_t n) { return has_room(n) || grow(n); }
    void put(std::uint8_t byte) { buf_[size_++] = byte; }
    void append(const std::uint8_t* p, std::size_t n) {
        std::memcpy(buf_.data() + size_, p, n);
        size_ += n;
    }
    // Appends `length` bytes starting `distance` back (1 <= distance <= size()); needs reserve().
    void copy_match(std::size_t distance, std::size_t length);

    static constexpr std::size_t copy_slack = 8;

private:
    bool grow(std::size_t n);

    std::vector<std::uint8_t> buf_;  // size() + copy_slack <= buf_.size() after reserve()
    std::size_t size_ = 0;
    std::size_t limit_;
};

// Decodes one deflate stream from `in` into `out`, through its final block. Back-references may
// reach no further back than `window_start` (the start of this gzip member's output). Throws
// FormatError (via `in`) on malformed or truncated data and on passing out.limit().
void inflate_stream(BitReader& in, InflateOutput& out, std::size_t window_start);

}  // namespace potatolemon::data::detail
