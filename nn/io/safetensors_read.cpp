// parse_safetensors and load_safetensors: every number in the header is checked before it is used,
// so a hostile file gives a FormatError, never a read out of bounds or a huge allocation.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "nn/io/json.hpp"
#include "nn/io/safetensors.hpp"
#include "nn/io/safetensors_detail.hpp"

namespace potatolemon::io {

namespace {

// Where an entry's bytes sit in the data section, and what a message about it needs.
struct Extent {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::size_t entry = 0;          // index into the entries being read
    std::uint64_t file_offset = 0;  // of the entry's JSON object
};

std::string quoted(const std::string& name) { return dump_json(Json(name)); }

std::string a_kind(Json::Kind kind) {
    const bool vowel = kind == Json::Kind::array || kind == Json::Kind::object;
    return std::string(vowel ? "an " : "a ") + json_kind_name(kind);
}

[[noreturn]] void throw_load_error(int error, const char* verb, const std::string& path) {
    throw std::system_error(error, std::generic_category(),
                            std::string("load_safetensors: cannot ") + verb + " '" + path + "'");
}

std::string range_string(const Extent& extent) {
    // Appended piece by piece: `"[" + std::to_string(...)` trips GCC 12's -Wrestrict at -O3
    // (a false positive, GCC bug 105329).
    std::string out = "[";
    out += std::to_string(extent.begin);
    out += ", ";
    out += std::to_string(extent.end);
    return out + ")";
}

class Reader {
public:
    Reader(std::span<const std::byte> bytes, const std::string& source)
        : bytes_(bytes), source_(source) {}

    std::vector<SafetensorsEntry> read(std::map<std::string, std::string>* metadata) {
        const Json header = read_header();
        std::vector<SafetensorsEntry> entries;
        std::vector<Extent> extents;
        std::map<std::string, std::string> pairs;
        for (const auto& [name, value] : header.as_object()) {
            if (name == "__metadata__") {
                pairs = read_metadata(value);
            } else {
                extents.push_back(read_entry(name, value, entries));
            }
        }
        check_coverage(extents, entries);
        for (const Extent& extent : extents) {
            const std::byte* first = bytes_.data() + data_start_ + extent.begin;
            entries[extent.entry].data.assign(first, first + (extent.end - extent.begin));
        }
        if (metadata != nullptr) *metadata = std::move(pairs);
        return entries;
    }

private:
    std::span<const std::byte> bytes_;
    const std::string& source_;
    std::string_view header_text_;
    std::uint64_t data_start_ = 0;  // file offset of the data section
    std::uint64_t data_size_ = 0;

    [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const {
        throw FormatError("safetensors: " + source_ + ": byte " + std::to_string(offset) + ": " +
                          problem);
    }

    // File offset of a header value; the JSON text starts after the 8-byte length.
    static std::uint64_t at(const Json& value) { return 8 + value.source_offset(); }

    // A number as written in the file (1e2 stays "1e2"); other values as compact JSON.
    std::string as_written(const Json& value) const {
        if (!value.is_number()) return dump_json(value);
        const std::string_view rest = header_text_.substr(value.source_offset());
        return std::string(rest.substr(0, rest.find_first_not_of("0123456789+-.eE")));
    }

    Json read_header();
    std::map<std::string, std::string> read_metadata(const Json& value) const;
    const Json& member(const std::string& name, const Json& entry, const char* key,
                       Json::Kind kind) const;
    std::vector<std::int64_t> read_integers(const std::string& name, const char* key,
                                            const Json& array) const;
    Extent read_entry(const std::string& name, const Json& value,
                      std::vector<SafetensorsEntry>& entries) const;
    void check_coverage(std::vector<Extent> extents,
                        const std::vector<SafetensorsEntry>& entries) const;
};

Json Reader::read_header() {
    if (bytes_.size() < 8) {
        fail(0, "file is " + std::to_string(bytes_.size()) +
                    " bytes, too short for the 8-byte header length");
    }
    std::uint64_t length = 0;
    for (std::size_t k = 0; k < 8; ++k) {
        length |= std::to_integer<std::uint64_t>(bytes_[k]) << (8 * k);
    }
    if (length > safetensors_max_header) {
        fail(0, "header length " + std::to_string(length) + " is over the limit of " +
                    std::to_string(safetensors_max_header) + " bytes");
    }
    if (length > bytes_.size() - 8) {
        fail(0, "header length " + std::to_string(length) + " runs past the end of the " +
                    std::to_string(bytes_.size()) + "-byte file");
    }
    data_start_ = 8 + length;
    data_size_ = bytes_.size() - data_start_;
    header_text_ = std::string_view(reinterpret_cast<const char*>(bytes_.data()) + 8, length);
    Json header;
    try {
        header = parse_json(header_text_);
    } catch (const JsonError& error) {
        fail(8 + error.offset, "header JSON: " + error.reason);
    }
    if (!header.is_object()) {
        fail(at(header), "header is " + a_kind(header.kind()) + ", expected an object");
    }
    return header;
}

std::map<std::string, std::string> Reader::read_metadata(const Json& value) const {
    if (!value.is_object()) {
        fail(at(value),
             "\"__metadata__\" is " + a_kind(value.kind()) + ", expected an object of strings");
    }
    std::map<std::string, std::string> pairs;
    for (const auto& [key, text] : value.as_object()) {
        if (!text.is_string()) {
            fail(at(text), "\"__metadata__\" value " + quoted(key) + " is " + a_kind(text.kind()) +
                               ", expected a string");
        }
        pairs[key] = text.as_string();
    }
    return pairs;
}

const Json& Reader::member(const std::string& name, const Json& entry, const char* key,
                           Json::Kind kind) const {
    const Json* found = entry.find(key);
    if (found == nullptr) fail(at(entry), "tensor " + quoted(name) + ": missing \"" + key + "\"");
    if (found->kind() != kind) {
        fail(at(*found), "tensor " + quoted(name) + ": \"" + key + "\" is " +
                             a_kind(found->kind()) + ", expected " + a_kind(kind));
    }
    return *found;
}

// Non-negative integers only: 2.0, "2" or -1 in a shape is a broken file, not something to round.
std::vector<std::int64_t> Reader::read_integers(const std::string& name, const char* key,
                                                const Json& array) const {
    std::vector<std::int64_t> values;
    for (const Json& item : array.as_array()) {
        if (!item.is_integer() || item.as_int64() < 0) {
            fail(at(item), "tensor " + quoted(name) + ": " + key + "[" +
                               std::to_string(values.size()) + "] is " + as_written(item) +
                               ", expected a non-negative integer");
        }
        values.push_back(item.as_int64());
    }
    return values;
}

// Messages are built only on failure: a header can list tens of thousands of entries.
Extent Reader::read_entry(const std::string& name, const Json& value,
                          std::vector<SafetensorsEntry>& entries) const {
    const auto fail_entry = [&](const Json& where, const std::string& problem) {
        fail(at(where), "tensor " + quoted(name) + problem);
    };
    if (!value.is_object()) {
        fail_entry(value, " is " + a_kind(value.kind()) +
                              ", expected an object with dtype, shape and data_offsets");
    }
    const Json& dtype = member(name, value, "dtype", Json::Kind::string);
    const Json& shape_json = member(name, value, "shape", Json::Kind::array);
    const Json& offsets_json = member(name, value, "data_offsets", Json::Kind::array);
    const std::size_t element_size = safetensors_dtype_size(dtype.as_string());
    if (element_size == 0) fail_entry(dtype, ": unknown dtype " + dump_json(dtype));
    std::vector<std::int64_t> shape = read_integers(name, "shape", shape_json);
    const auto described = [&] { return dtype.as_string() + " " + detail::dims_string(shape); };
    const auto nbytes = detail::checked_nbytes(shape, element_size);
    if (!nbytes) fail_entry(shape_json, ": " + described() + " has more than 2^63 - 1 bytes");
    const std::vector<std::int64_t> offsets = read_integers(name, "data_offsets", offsets_json);
    const auto fail_offsets = [&](const std::string& problem) {
        fail_entry(offsets_json, ": data_offsets " + dump_json(offsets_json) + problem);
    };
    if (offsets.size() != 2) fail_offsets(" is not [begin, end]");
    const auto begin = static_cast<std::uint64_t>(offsets[0]);
    const auto end = static_cast<std::uint64_t>(offsets[1]);
    if (end < begin) fail_offsets(" end before they begin");
    if (end > data_size_) {
        fail_offsets(" run past the " + std::to_string(data_size_) + "-byte data section");
    }
    if (end - begin != *nbytes) {
        fail_offsets(" hold " + std::to_string(end - begin) + " bytes, but " + described() +
                     " needs " + std::to_string(*nbytes));
    }
    entries.push_back({name, dtype.as_string(), std::move(shape), {}});
    return {begin, end, entries.size() - 1, at(value)};
}

// The format requires the tensors to tile the data section exactly: no overlap, no gap, no tail.
void Reader::check_coverage(std::vector<Extent> extents,
                            const std::vector<SafetensorsEntry>& entries) const {
    std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t cursor = 0;
    const Extent* previous = nullptr;
    for (const Extent& extent : extents) {
        if (extent.begin > cursor) {
            fail(data_start_ + cursor, "data bytes [" + std::to_string(cursor) + ", " +
                                           std::to_string(extent.begin) +
                                           ") are not covered by any tensor");
        }
        if (extent.begin < cursor) {
            fail(extent.file_offset, "tensor " + quoted(entries[extent.entry].name) + " (bytes " +
                                         range_string(extent) + ") overlaps tensor " +
                                         quoted(entries[previous->entry].name) + " (bytes " +
                                         range_string(*previous) + ")");
        }
        cursor = extent.end;
        previous = &extent;
    }
    if (cursor < data_size_) {
        fail(data_start_ + cursor, std::to_string(data_size_ - cursor) +
                                       " trailing data bytes are not covered by any tensor");
    }
}

}  // namespace

std::vector<SafetensorsEntry> parse_safetensors(std::span<const std::byte> bytes,
                                                const std::string& source,
                                                std::map<std::string, std::string>* metadata) {
    return Reader(bytes, source).read(metadata);
}

std::vector<SafetensorsEntry> load_safetensors(const std::string& path,
                                               std::map<std::string, std::string>* metadata) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) throw_load_error(errno, "open", path);
    // The size first, so the file is read with one call into one buffer that is not zeroed first
    // (growing a vector chunk by chunk ran at a quarter of the speed).
    std::error_code size_error;
    const std::uintmax_t size = std::filesystem::file_size(path, size_error);
    if (size_error) {
        std::fclose(file);
        throw_load_error(size_error.value(), "read", path);
    }
    auto bytes = std::make_unique_for_overwrite<std::byte[]>(size);
    const std::size_t got = std::fread(bytes.get(), 1, size, file);
    const bool failed = std::ferror(file) != 0;
    const int error = errno;
    const bool longer = !failed && std::fgetc(file) != EOF;
    std::fclose(file);
    if (failed) throw_load_error(error != 0 ? error : EIO, "read", path);
    if (got != size || longer) {
        throw std::runtime_error("load_safetensors: '" + path + "' changed size while being read");
    }
    return parse_safetensors(std::span(bytes.get(), size), path, metadata);
}

}  // namespace potatolemon::io
