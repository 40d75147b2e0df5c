// Slicing-by-8 CRC-32: table[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes fold into the CRC with eight independent lookups instead of a chain of eight.
#include "nn/data/crc32.hpp"

#include <array>

namespace potatolemon::data {
namespace {

using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_tables() {
    CrcTables t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t c = b;
        for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[0][b] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t b = 0; b < 256; ++b)
            t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 255];
    return t;
}

constexpr CrcTables tables = make_tables();

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc) {
    const std::uint8_t* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint32_t c = ~crc;
    for (; n >= 8; p += 8, n -= 8) {
        // Assembled byte by byte so the result does not depend on the host's endianness.
        std::uint32_t lo = c ^ (p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24);
        std::uint32_t hi = p[4] | p[5] << 8 | p[6] << 16 | std::uint32_t(p[7]) << 24;
        c = tables[7][lo & 255] ^ tables[6][(lo >> 8) & 255] ^ tables[5][(lo >> 16) & 255] ^
            tables[4][lo >> 24] ^ tables[3][hi & 255] ^ tables[2][(hi >> 8) & 255] ^
            tables[1][(hi >> 16) & 255] ^ tables[0][hi >> 24];
    }
    for (; n > 0; ++p, --n) c = tables[0][(c ^ *p) & 255] ^ (c >> 8);
    return ~c;
}

}  // namespace potatolemon::data
