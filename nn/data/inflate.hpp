// gzip decompression (RFC 1952 members around RFC 1951 deflate data), enough to read data sets
// such as MNIST's .gz files without zlib. Whole buffer in, whole buffer out; no streaming and no
// compression.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograd/errors.hpp"

namespace potatolemon::data {

// gunzip's default output cap, 1 GiB: about 20 times Fashion-MNIST's largest file (47 MB).
// Deflate expands at most 1032-fold, so the cap matters for inputs over ~1 MB; a file claiming
// more (a "decompression bomb") fails with FormatError once the output reaches the cap, before
// memory runs out. The trailer's ISIZE only sizes the first allocation: it is the size mod 2^32
// and could lie, so it is checked after decoding, not trusted before.
inline constexpr std::size_t gunzip_default_max_output = std::size_t{1} << 30;

// Decompresses gzip data: one member, or several concatenated (which `gzip -d` also accepts),
// into one buffer. Checks each member's header (magic, method, reserved flags, header CRC when
// present), every deflate block (stored, fixed or dynamic Huffman), its CRC-32 and its ISIZE.
// Throws FormatError "gunzip: <source>: byte <offset>: expected ..., found ..." for malformed or
// truncated input, trailing bytes that are not another member (stricter than `gzip -d`, which
// skips trailing zeros: bytes we cannot account for make a data file suspect), or output beyond
// max_output.
std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> bytes, const std::string& source,
                                 std::size_t max_output = gunzip_default_max_output);

}  // namespace potatolemon::data
