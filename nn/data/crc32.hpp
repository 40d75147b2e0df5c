// CRC-32 as used by gzip, zip and PNG (reflected polynomial 0xEDB88320, initial and final
// inversion), computed eight bytes at a time with precomputed tables ("slicing-by-8").
#pragma once
#include <cstdint>
#include <span>

namespace potatolemon::data {

// CRC-32 of `bytes`, continuing from the CRC `crc` of the data before them (0 for a fresh start),
// so crc32(b, crc32(a)) == crc32(a + b). crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

}  // namespace potatolemon::data
