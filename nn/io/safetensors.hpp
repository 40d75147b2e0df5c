// The safetensors file format as raw bytes: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the packed tensor data.
// No Tensor or autograd here: matching names, shapes and dtypes against a model is nn's job.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autograd/errors.hpp"

namespace potatolemon::io {

struct SafetensorsEntry {
    std::string name;
    std::string dtype;  // "F32", "F64", ... (any dtype the format defines)
    std::vector<std::int64_t> shape;
    std::vector<std::byte> data;  // little-endian raw bytes, size == numel * dtype size
};

// Headers longer than this are refused before parsing (the reference implementation's limit).
inline constexpr std::uint64_t safetensors_max_header = 100'000'000;

// Bytes per element of a dtype the format defines: BOOL, U8, I8, F8_E5M2, F8_E4M3 (1), I16, U16,
// F16, BF16 (2), I32, U32, F32 (4), I64, U64, F64 (8). 0 for any other name.
std::size_t safetensors_dtype_size(std::string_view dtype);

// The whole file as bytes. The header lists entries in the given order; "__metadata__" comes first
// when `metadata` is not empty; the JSON is padded with spaces to a multiple of 8 bytes. Data is
// laid out by element size, largest first, so every tensor starts aligned to its element size.
// Throws DtypeError (unknown dtype), ShapeError (negative dim, data size != numel * dtype size) or
// std::invalid_argument (duplicate or reserved name, text that is not UTF-8), naming the entry.
std::vector<std::byte> serialize_safetensors(
    const std::vector<SafetensorsEntry>& entries,
    const std::map<std::string, std::string>& metadata = {});

// Writes serialize_safetensors' bytes to `path + ".tmp-<pid>-<host>-XXXXXXXX"`, flushes it to
// disk (fsync), renames it over `path` and fsyncs the directory, so `path` is either the old file
// or the complete new one, also after a crash. On a failure before the rename the temporary file
// is removed and `path` is untouched. A process killed meanwhile leaves the temporary file, which
// the next save of `path` removes once that process no longer runs (one of this host's). Throws as
// serialize_safetensors does, or std::system_error when the file cannot be created, written or
// renamed.
void save_safetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                      const std::map<std::string, std::string>& metadata = {});

// Checks every rule of the format and copies the tensors out, in header order. `source` names the
// bytes in messages. When `metadata` is given it receives "__metadata__" (empty when absent).
// Throws FormatError "safetensors: <source>: byte N: <problem>" for: fewer than 8 bytes, a header
// length past the end or over the limit, malformed JSON (duplicate names included), a header that
// is not an object, an entry without dtype/shape/data_offsets or with wrong types, an unknown
// dtype, a negative or non-integer dim, numel * dtype size over 2^63 - 1 bytes, data_offsets out
// of range, reversed or not matching numel * dtype size, overlapping tensors, data bytes that no
// tensor covers (gaps or trailing bytes), and a "__metadata__" that is not a {string: string} map.
std::vector<SafetensorsEntry> parse_safetensors(
    std::span<const std::byte> bytes, const std::string& source,
    std::map<std::string, std::string>* metadata = nullptr);

// Reads the file at `path` and parses it as above. Throws std::system_error when it cannot be read.
std::vector<SafetensorsEntry> load_safetensors(
    const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

}  // namespace potatolemon::io
