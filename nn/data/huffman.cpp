// Builds two-level Huffman decoding tables from deflate code lengths (see huffman.hpp).
// Codes are assigned canonically (shorter first, then by symbol) and stored bit-reversed,
// because deflate sends a Huffman code's most significant bit first within an LSB-first stream.
#include "nn/data/huffman.hpp"

#include <array>

namespace potatolemon::data::detail {
namespace {

constexpr unsigned max_code_length = 15;

// RFC 1951 3.2.5: match lengths for symbols 257..285 and distances for symbols 0..29.
constexpr std::array<std::uint16_t, 29> length_base = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> length_extra = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<std::uint16_t, 30> distance_base = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<std::uint8_t, 30> distance_extra = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

HuffmanEntry symbol_entry(unsigned symbol, unsigned length, Alphabet alphabet) {
    auto bits = static_cast<std::uint8_t>(length);
    auto sym = static_cast<std::uint16_t>(symbol);
    if (alphabet == Alphabet::code_length || (alphabet == Alphabet::literal_length && symbol < 256))
        return {sym, bits, 0, SymbolKind::literal};
    if (alphabet == Alphabet::literal_length) {
        if (symbol == 256) return {sym, bits, 0, SymbolKind::end};
        if (symbol - 257 < length_base.size())
            return {length_base[symbol - 257], bits, length_extra[symbol - 257], SymbolKind::base};
        return {sym, bits, 0, SymbolKind::invalid};
    }
    if (symbol < distance_base.size())
        return {distance_base[symbol], bits, distance_extra[symbol], SymbolKind::base};
    return {sym, bits, 0, SymbolKind::invalid};
}

std::uint32_t reverse_bits(std::uint32_t code, unsigned length) {
    std::uint32_t r = 0;
    for (unsigned i = 0; i < length; ++i, code >>= 1) r = (r << 1) | (code & 1);
    return r;
}

}  // namespace

const char* HuffmanTable::build(std::span<const std::uint8_t> lengths, Alphabet alphabet) {
    std::array<unsigned, max_code_length + 1> count{};
    for (std::uint8_t len : lengths) ++count[len];
    count[0] = 0;
    // Kraft: `left` is how many codes of the current length are still free.
    int left = 1;
    unsigned max_len = 0, used = 0;
    for (unsigned len = 1; len <= max_code_length; ++len) {
        left = left * 2 - static_cast<int>(count[len]);
        if (left < 0) return "an over-subscribed set";
        if (count[len] > 0) max_len = len;
        used += count[len];
    }
    bool single_bit_code = used == 1 && max_len == 1;
    bool no_distances = used == 0 && alphabet == Alphabet::distance;
    if (left > 0 && !(no_distances || (single_bit_code && alphabet != Alphabet::code_length)))
        return "an incomplete set";

    sub_bits_ = max_len > primary_bits_ ? max_len - primary_bits_ : 0;
    entries_.assign(std::size_t{1} << primary_bits_, HuffmanEntry{});
    // next_code[len]: the first canonical code of that length (RFC 1951 3.2.2 step 2).
    std::array<std::uint32_t, max_code_length + 2> next_code{};
    for (unsigned len = 1; len <= max_code_length; ++len)
        next_code[len + 1] = (next_code[len] + count[len]) << 1;
    // Visiting by (length, symbol) makes codes rise, so long codes sharing a prefix are adjacent.
    for (unsigned len = 1; len <= max_len; ++len)
        for (unsigned symbol = 0; symbol < lengths.size(); ++symbol)
            if (lengths[symbol] == len)
                fill(reverse_bits(next_code[len]++, len), len, symbol_entry(symbol, len, alphabet));
    return nullptr;
}

void HuffmanTable::fill(std::uint32_t reversed_code, unsigned length, HuffmanEntry entry) {
    if (length <= primary_bits_) {
        for (std::uint32_t i = reversed_code; i < (1u << primary_bits_); i += 1u << length)
            entries_[i] = entry;
        return;
    }
    std::uint32_t prefix = reversed_code & ((1u << primary_bits_) - 1);
    if (entries_[prefix].kind != SymbolKind::link) {
        auto offset = static_cast<std::uint16_t>(entries_.size());
        entries_[prefix] = {offset, static_cast<std::uint8_t>(primary_bits_),
                            static_cast<std::uint8_t>(sub_bits_), SymbolKind::link};
        entries_.resize(entries_.size() + (std::size_t{1} << sub_bits_));
    }
    std::size_t base = entries_[prefix].value;
    for (std::uint32_t i = reversed_code >> primary_bits_; i < (1u << sub_bits_);
         i += 1u << (length - primary_bits_))
        entries_[base + i] = entry;
}

}  // namespace potatolemon::data::detail
