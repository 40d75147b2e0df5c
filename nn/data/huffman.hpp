// Decoding tables for deflate's canonical Huffman codes (RFC 1951 3.2.2), internal to gunzip.
// A table is indexed by the next `primary_bits` input bits; codes longer than that continue in
// a subtable linked from the primary entry, indexed by the bits that follow (as zlib does).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace potatolemon::data::detail {

enum class SymbolKind : std::uint8_t {
    literal,  // value is a literal byte, or a code-length symbol 0..18
    base,     // value is a match length or distance base; `extra` bits follow the code
    end,      // end of block (literal/length symbol 256)
    link,     // value is the subtable's offset; `extra` is its index width in bits
    invalid,  // a reserved symbol (value; 286, 287, distances 30, 31), or no code (bits == 0)
};

struct HuffmanEntry {
    std::uint16_t value = 0;
    std::uint8_t bits = 0;   // code length to consume (a link: the primary width)
    std::uint8_t extra = 0;
    SymbolKind kind = SymbolKind::invalid;
};

// Which symbol set the code lengths describe: it decides what each symbol decodes to.
enum class Alphabet { literal_length, distance, code_length };

class HuffmanTable {
public:
    explicit HuffmanTable(unsigned primary_bits) : primary_bits_(primary_bits) {}

    // Builds the table for `lengths[symbol]` (0 = unused). Returns nullptr on success, else what
    // the lengths are: "an over-subscribed set", or "an incomplete set" unless it is the single
    // one-bit code RFC 1951 allows for distances (zlib accepts it for literals too) or, for
    // distances, no code at all (a block of literals only).
    const char* build(std::span<const std::uint8_t> lengths, Alphabet alphabet);

    // The entry for the code at the bottom of `bits`, which must hold at least 15 valid bits.
    const HuffmanEntry& lookup(std::uint64_t bits) const {
        const HuffmanEntry* e = &entries_[bits & ((1u << primary_bits_) - 1)];
        if (e->kind == SymbolKind::link)
            e = &entries_[e->value + ((bits >> primary_bits_) & ((1u << e->extra) - 1))];
        return *e;
    }

private:
    void fill(std::uint32_t reversed_code, unsigned length, HuffmanEntry entry);

    unsigned primary_bits_;
    unsigned sub_bits_ = 0;
    std::vector<HuffmanEntry> entries_;
};

}  // namespace potatolemon::data::detail
