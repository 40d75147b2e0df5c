// Least-significant-bit-first reader over a byte span, the bit order of deflate (RFC 1951 3.1.1).
// Internal to the gzip decoder. Reads past the end see zero bits and are caught by the next
// refill, so the decoder needs no bounds check per symbol yet never touches memory out of range.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "nn/data/format_error.hpp"

namespace potatolemon::data::detail {

class BitReader {
public:
    // `source` names the input in error messages; `start` is the byte offset reading begins at.
    BitReader(std::span<const std::uint8_t> in, std::size_t start, const std::string& source)
        : in_(in), pos_(start), source_(source) {}

    // Tops the buffer up to at least 56 bits: enough for a length code, its extra bits, a
    // distance code and its extra bits (15 + 5 + 15 + 13 = 48) with one refill per symbol.
    void refill() {
        if (pos_ + 8 <= in_.size()) {
            // Loads 8 bytes and keeps the whole ones that fit; the partial byte's bits left above
            // count_ are the same bits the next load ORs in, so they do no harm.
            bits_ |= load_le64(in_.data() + pos_) << count_;
            pos_ += (63 - count_) >> 3;
            count_ |= 56;
        } else {
            refill_slow();
        }
    }

    std::uint64_t peek() const { return bits_; }
    void consume(unsigned n) {
        bits_ >>= n;
        count_ -= n;
    }
    // The next n bits (n <= 32) as a little-endian number; the caller refilled beforehand.
    std::uint32_t take(unsigned n) {
        std::uint32_t v = static_cast<std::uint32_t>(bits_ & ((std::uint64_t{1} << n) - 1));
        consume(n);
        return v;
    }
    // take() with its own refill, for headers where speed does not matter.
    std::uint32_t read(unsigned n) {
        if (count_ < n) refill();
        return take(n);
    }

    // Drops the bits up to the next byte boundary and hands buffered whole bytes back to the span.
    void align_to_byte() {
        pos_ -= count_ / 8;
        bits_ = 0;
        count_ = 0;
        if (pos_ > in_.size()) fail_at(in_.size(), "truncated: expected more deflate data");
    }
    // After align_to_byte(): whole bytes read directly (stored blocks, trailers).
    std::size_t byte_position() const { return pos_; }
    std::span<const std::uint8_t> remaining() const { return in_.subspan(pos_); }
    void skip_bytes(std::size_t n) { pos_ += n; }

    // Byte offset of the next unread bit (at most the input size), for error messages.
    std::uint64_t offset() const {
        std::uint64_t bit = std::uint64_t{pos_} * 8 - count_;
        return std::min<std::uint64_t>(bit / 8, in_.size());
    }
    [[noreturn]] void fail(const std::string& what) const { fail_at(offset(), what); }
    [[noreturn]] void fail_at(std::uint64_t offset, const std::string& what) const {
        throw_format_error("gunzip", source_, offset, what);
    }

private:
    static std::uint64_t load_le64(const std::uint8_t* p) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
        return v;
    }

    // Near the end: byte by byte, then zero bits past it. Bits consumed beyond the end mean the
    // previous symbol was cut off, which the check below reports one symbol late (harmlessly).
    void refill_slow() {
        if (std::uint64_t{pos_} * 8 - count_ > std::uint64_t{in_.size()} * 8)
            fail_at(in_.size(), "truncated: deflate data ends mid-block");
        while (count_ < 56) {
            std::uint64_t byte = pos_ < in_.size() ? in_[pos_] : 0;
            bits_ |= byte << count_;
            ++pos_;
            count_ += 8;
        }
    }

    std::span<const std::uint8_t> in_;
    std::size_t pos_;          // next byte to load; may run past in_.size() while padding zeros
    std::uint64_t bits_ = 0;   // unread bits, next bit lowest
    unsigned count_ = 0;       // how many of bits_ are valid
    const std::string& source_;
};

}  // namespace potatolemon::data::detail
