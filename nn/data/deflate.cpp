// Deflate block decoding (RFC 1951 section 3.2) on top of BitReader and HuffmanTable.
// The hot loop refills the bit buffer once per symbol and decodes through the two-level tables.
// Not here: the gzip wrapper, checksums and the size limit's policy (inflate.cpp).
#include "nn/data/deflate.hpp"

#include <algorithm>
#include <array>

#include "nn/data/huffman.hpp"

namespace potatolemon::data::detail {
namespace {

// Primary table widths: 10 bits covers nearly every literal/length code in practice, 8 bits most
// distance codes; code-length codes are at most 7 bits long, so that table needs no subtables.
constexpr unsigned literal_primary_bits = 10;
constexpr unsigned distance_primary_bits = 8;
constexpr unsigned code_length_bits = 7;

// Order in which a dynamic block sends the code-length code's lengths (RFC 1951 3.2.7).
constexpr std::array<std::uint8_t, 19> code_length_order = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

struct FixedTables {
    HuffmanTable literal{literal_primary_bits};
    HuffmanTable distance{distance_primary_bits};
    FixedTables() {
        // RFC 1951 3.2.6: 0-143 -> 8 bits, 144-255 -> 9, 256-279 -> 7, 280-287 -> 8; distances 5.
        std::array<std::uint8_t, 288> lengths{};
        std::fill(lengths.begin(), lengths.begin() + 144, 8);
        std::fill(lengths.begin() + 144, lengths.begin() + 256, 9);
        std::fill(lengths.begin() + 256, lengths.begin() + 280, 7);
        std::fill(lengths.begin() + 280, lengths.end(), 8);
        literal.build(lengths, Alphabet::literal_length);
        std::array<std::uint8_t, 32> distances;
        distances.fill(5);
        distance.build(distances, Alphabet::distance);
    }
};

class BlockDecoder {
public:
    BlockDecoder(BitReader& in, InflateOutput& out, std::size_t window_start)
        : in_(in), out_(out), window_start_(window_start) {}

    void stored_block();
    void dynamic_block();
    void huffman_block(const HuffmanTable& literal, const HuffmanTable& distance);

private:
    void read_code_lengths(std::span<std::uint8_t> lengths);
    void build(HuffmanTable& table, std::span<const std::uint8_t> lengths, Alphabet alphabet,
               const char* name);
    [[noreturn]] void invalid_symbol(const HuffmanEntry& e, const char* alphabet) {
        in_.fail(std::string("expected a ") + alphabet + " symbol, found " +
                 (e.bits ? "reserved symbol " + std::to_string(e.value)
                         : "bits that match no code of the block's incomplete code"));
    }
    void reserve(std::size_t n) {
        if (!out_.reserve(n))
            in_.fail("output would exceed the limit of " + std::to_string(out_.limit()) +
                     " bytes (gunzip's max_output)");
    }

    BitReader& in_;
    InflateOutput& out_;
    std::size_t window_start_;
    HuffmanTable literal_{literal_primary_bits};
    HuffmanTable distance_{distance_primary_bits};
    HuffmanTable code_length_{code_length_bits};
};

void BlockDecoder::stored_block() {
    in_.align_to_byte();
    std::size_t pos = in_.byte_position();
    std::span<const std::uint8_t> rest = in_.remaining();
    if (rest.size() < 4)
        in_.fail_at(pos, "truncated: expected a 4-byte stored block header, found " +
                              std::to_string(rest.size()) + " bytes");
    unsigned len = rest[0] | rest[1] << 8;
    unsigned nlen = rest[2] | rest[3] << 8;
    if ((len ^ 0xFFFFu) != nlen)
        in_.fail_at(pos + 2, "expected stored block NLEN " + std::to_string(len ^ 0xFFFFu) +
                                 " (one's complement of LEN " + std::to_string(len) +
                                 "), found " + std::to_string(nlen));
    if (rest.size() - 4 < len)
        in_.fail_at(pos + 4 + (rest.size() - 4), "truncated: stored block expects " +
                                                     std::to_string(len) + " bytes, found " +
                                                     std::to_string(rest.size() - 4));
    reserve(len);
    out_.append(rest.data() + 4, len);
    in_.skip_bytes(4 + len);
}

void BlockDecoder::build(HuffmanTable& table, std::span<const std::uint8_t> lengths,
                         Alphabet alphabet, const char* name) {
    if (const char* why = table.build(lengths, alphabet))
        in_.fail(std::string("expected ") + name + " code lengths forming a prefix code, found " +
                 why);
}

void BlockDecoder::read_code_lengths(std::span<std::uint8_t> lengths) {
    std::size_t i = 0;
    while (i < lengths.size()) {
        in_.refill();
        const HuffmanEntry& e = code_length_.lookup(in_.peek());
        in_.consume(e.bits);
        if (e.value < 16) {
            lengths[i++] = static_cast<std::uint8_t>(e.value);
            continue;
        }
        if (e.value == 16 && i == 0)
            in_.fail("expected a code length before repeat code 16, found it first");
        std::uint8_t value = e.value == 16 ? lengths[i - 1] : 0;
        std::size_t repeat = e.value == 16 ? 3 + in_.take(2)
                             : e.value == 17 ? 3 + in_.take(3) : 11 + in_.take(7);
        if (repeat > lengths.size() - i)
            in_.fail("expected at most " + std::to_string(lengths.size() - i) +
                     " more code lengths, found a repeat of " + std::to_string(repeat));
        std::fill_n(lengths.begin() + i, repeat, value);
        i += repeat;
    }
}

void BlockDecoder::dynamic_block() {
    unsigned nlit = in_.read(5) + 257, ndist = in_.read(5) + 1, nclen = in_.read(4) + 4;
    if (nlit > 286 || ndist > 30)
        in_.fail("expected at most 286 literal/length and 30 distance codes, found " +
                 std::to_string(nlit) + " and " + std::to_string(ndist));
    std::array<std::uint8_t, 19> clen{};
    for (unsigned i = 0; i < nclen; ++i) clen[code_length_order[i]] = in_.read(3) & 7;
    build(code_length_, clen, Alphabet::code_length, "code-length");

    std::array<std::uint8_t, 286 + 30> lengths{};
    read_code_lengths(std::span(lengths).first(nlit + ndist));
    if (lengths[256] == 0) in_.fail("expected a code for end-of-block (256), found none");
    build(literal_, std::span(lengths).first(nlit), Alphabet::literal_length, "literal/length");
    build(distance_, std::span(lengths).subspan(nlit, ndist), Alphabet::distance, "distance");
    huffman_block(literal_, distance_);
}

void BlockDecoder::huffman_block(const HuffmanTable& literal, const HuffmanTable& distance) {
    for (;;) {
        in_.refill();
        HuffmanEntry e = literal.lookup(in_.peek());
        if (e.kind == SymbolKind::literal) {
            // Literals are at most 15 bits, so three fit in the 56 bits one refill provides.
            bool room_for_three = out_.has_room(3);
            if (!room_for_three) reserve(1);
            in_.consume(e.bits);
            out_.put(static_cast<std::uint8_t>(e.value));
            for (int i = 0; i < 2 && room_for_three; ++i) {
                e = literal.lookup(in_.peek());
                if (e.kind != SymbolKind::literal) break;
                in_.consume(e.bits);
                out_.put(static_cast<std::uint8_t>(e.value));
            }
            continue;
        }
        in_.consume(e.bits);
        if (e.kind == SymbolKind::end) return;
        if (e.kind != SymbolKind::base) invalid_symbol(e, "literal/length");
        std::size_t length = e.value + in_.take(e.extra);
        HuffmanEntry d = distance.lookup(in_.peek());
        in_.consume(d.bits);
        if (d.kind != SymbolKind::base) invalid_symbol(d, "distance");
        std::size_t dist = d.value + in_.take(d.extra);
        if (dist > out_.size() - window_start_)
            in_.fail("expected a distance of at most " +
                     std::to_string(out_.size() - window_start_) +
                     " (bytes written so far), found " + std::to_string(dist));
        reserve(length);
        out_.copy_match(dist, length);
    }
}

}  // namespace

InflateOutput::InflateOutput(std::size_t limit, std::size_t size_hint) : limit_(limit) {
    buf_.resize(std::min(size_hint, limit) + copy_slack);
}

std::vector<std::uint8_t> InflateOutput::release() {
    buf_.resize(size_);
    return std::move(buf_);
}

bool InflateOutput::grow(std::size_t n) {
    if (n > limit_ - size_) return false;
    std::size_t capacity = buf_.size() - copy_slack;
    // Doubling keeps appends amortised O(1); the first growth is at least a page.
    std::size_t doubled = std::min(limit_, std::max<std::size_t>(capacity * 2, 4096));
    std::size_t wanted = std::max(size_ + n, doubled);
    buf_.resize(wanted + copy_slack);
    return true;
}

void InflateOutput::copy_match(std::size_t distance, std::size_t length) {
    std::uint8_t* dst = buf_.data() + size_;
    const std::uint8_t* src = dst - distance;
    size_ += length;
    if (distance >= 8) {
        // Each 8-byte step reads only bytes written before it, so overlap repeats the pattern.
        for (std::size_t i = 0; i < length; i += 8) std::memcpy(dst + i, src + i, 8);
    } else if (distance == 1) {
        std::memset(dst, *src, length);
    } else {
        for (std::size_t i = 0; i < length; ++i) dst[i] = src[i];
    }
}

void inflate_stream(BitReader& in, InflateOutput& out, std::size_t window_start) {
    static const FixedTables fixed;
    BlockDecoder decoder(in, out, window_start);
    bool final_block = false;
    while (!final_block) {
        final_block = in.read(1) != 0;
        switch (in.read(2)) {
        case 0: decoder.stored_block(); break;
        case 1: decoder.huffman_block(fixed.literal, fixed.distance); break;
        case 2: decoder.dynamic_block(); break;
        default: in.fail("expected block type 0, 1 or 2, found 3 (reserved)");
        }
    }
}

}  // namespace potatolemon::data::detail
