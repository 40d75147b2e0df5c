// The IDX format of MNIST and Fashion-MNIST: a magic 00 00 <type code> <rank>, then `rank`
// big-endian uint32 dimensions, then the elements in row-major order, big-endian. Reading only:
// read_idx gunzips .gz files itself; converting elements to tensors is left to the caller.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograd/errors.hpp"

namespace potatolemon::data {

// IDX type codes (the third magic byte).
inline constexpr std::uint8_t idx_ubyte = 0x08, idx_sbyte = 0x09, idx_short = 0x0B,
                              idx_int = 0x0C, idx_float = 0x0D, idx_double = 0x0E;

struct IdxArray {
    std::uint8_t type_code;           // one of the idx_* codes
    std::vector<std::int64_t> dims;   // outermost first, e.g. [60000, 28, 28]
    std::vector<std::uint8_t> bytes;  // element data as stored (big-endian for multi-byte types)
};

// What a caller requires of a file, checked at the header byte that holds it; -1 accepts any.
struct IdxExpect {
    int type_code = -1;
    int rank = -1;
};

// Bytes per element for an IDX type code; 0 for an unknown code.
std::size_t idx_element_size(std::uint8_t type_code);

// Parses a whole IDX file held in `bytes`; `source` names it in messages. Throws FormatError
// "parse_idx: <source>: byte <offset>: expected ..., found ..." for a bad magic, an unknown type
// code, a type or rank other than `expect` asks for, a truncated header, dims whose byte count
// overflows 64 bits, and data shorter (truncated) or longer (trailing bytes) than the dims say.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source,
                   IdxExpect expect = {});

// Reads the IDX file at `path`, gunzipping it first when it starts with 1f 8b (offsets in IDX
// messages then count decompressed bytes). Throws FormatError as gunzip and parse_idx do, with
// messages starting "read_idx: ", and std::system_error when the file cannot be read.
IdxArray read_idx(const std::string& path, IdxExpect expect = {});

}  // namespace potatolemon::data
