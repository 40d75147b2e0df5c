// Parameters and buffers ↔ safetensors entries. Element bytes are little-endian in the file; on a
// big-endian host they are reversed on the way in and out.
#include "nn/serialize.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

#include "autograd/factories.hpp"
#include "nn/io/safetensors.hpp"
#include "nn/serialize_detail.hpp"

namespace potatolemon::nn {

namespace detail {

namespace {
// Copies n elements of `size` bytes between host order and little-endian order (either way).
void copy_le(const std::byte* from, std::byte* to, std::size_t n, std::size_t size) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(to, from, n * size);
    } else {
        for (std::size_t i = 0; i < n; ++i)
            std::reverse_copy(from + i * size, from + (i + 1) * size, to + i * size);
    }
}

std::string where(const std::string& who, const std::string& name) {
    return who + ": tensor '" + name + "'";
}

// Any other byte in a bool tensor would be undefined behaviour when read.
void check_bool_bytes(const io::SafetensorsEntry& entry, const std::string& what) {
    for (std::size_t i = 0; entry.dtype == "BOOL" && i < entry.data.size(); ++i)
        if (entry.data[i] != std::byte{0} && entry.data[i] != std::byte{1})
            throw FormatError(what + " is BOOL but its element " + std::to_string(i) +
                              " is neither 0 nor 1");
}

void check_entry(const NamedTensor& p, const io::SafetensorsEntry& entry, const std::string& what) {
    if (entry.dtype != file_dtype(p.tensor.dtype()))
        throw DtypeError(what + " is " + entry.dtype + " in the file but the " + "model's is " +
                         dtype_name(p.tensor.dtype()) + " (expected " +
                         file_dtype(p.tensor.dtype()) + ")");
    const Shape& want = p.tensor.shape();
    if (!std::equal(entry.shape.begin(), entry.shape.end(), want.begin(), want.end())) {
        std::string shape = "[";
        for (std::size_t d = 0; d < entry.shape.size(); ++d) {
            if (d > 0) shape += ", ";
            shape += std::to_string(entry.shape[d]);
        }
        throw ShapeError(what + " has shape " + shape + "] in the file but " + to_string(want) +
                         " in the model");
    }
    check_bool_bytes(entry, what);
}
}  // namespace

const char* file_dtype(Dtype dtype) {
    switch (dtype) {
        case Dtype::float32:
            return "F32";
        case Dtype::float64:
            return "F64";
        case Dtype::int64:
            return "I64";
        case Dtype::boolean:
            return "BOOL";
    }
    return "?";
}

io::SafetensorsEntry to_entry(const std::string& name, const Tensor& t) {
    const std::size_t size = dtype_size(t.dtype()), n = static_cast<std::size_t>(t.numel());
    io::SafetensorsEntry entry{name,
                               file_dtype(t.dtype()),
                               {t.shape().begin(), t.shape().end()},
                               std::vector<std::byte>(n * size)};
    copy_le(static_cast<const std::byte*>(t.impl()->data), entry.data.data(), n, size);
    return entry;
}

Tensor from_entry(const io::SafetensorsEntry& entry, const std::string& who) {
    const std::string what = where(who, entry.name);
    Dtype dtype = Dtype::float32;
    if (entry.dtype == "F64")
        dtype = Dtype::float64;
    else if (entry.dtype == "I64")
        dtype = Dtype::int64;
    else if (entry.dtype == "BOOL")
        dtype = Dtype::boolean;
    else if (entry.dtype != "F32")
        throw DtypeError(what + " is " + entry.dtype + ", not F32, F64, I64 or BOOL");
    check_bool_bytes(entry, what);
    Tensor t = empty(Shape(std::span<const std::int64_t>(entry.shape)), dtype);
    copy_le(entry.data.data(), static_cast<std::byte*>(t.impl()->data),
            static_cast<std::size_t>(t.numel()), dtype_size(dtype));
    return t;
}

std::vector<const io::SafetensorsEntry*> match_module(
    const Module& module, const std::vector<const io::SafetensorsEntry*>& entries,
    const std::string& prefix, const std::string& who) {
    std::unordered_map<std::string, const io::SafetensorsEntry*> by_name;
    for (const io::SafetensorsEntry* entry : entries) by_name.emplace(entry->name, entry);
    std::vector<const io::SafetensorsEntry*> matched;
    for (const NamedTensor& p : module.state_dict()) {
        const std::string name = prefix + p.name;
        auto found = by_name.find(name);
        if (found == by_name.end())
            throw FormatError(where(who, name) + " is missing from the file (" +
                              std::to_string(entries.size()) + " tensors in it)");
        check_entry(p, *found->second, where(who, name));
        matched.push_back(found->second);
        by_name.erase(found);
    }
    for (const io::SafetensorsEntry* entry : entries)  // the first unused one, in file order
        if (by_name.count(entry->name))
            throw FormatError(where(who, entry->name) + " in the file is not a parameter or " +
                              "buffer of the model");
    return matched;
}

void copy_into_module(const Module& module,
                      const std::vector<const io::SafetensorsEntry*>& matched) {
    const std::vector<NamedTensor> params = module.state_dict();
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Tensor& t = params[i].tensor;
        copy_le(matched[i]->data.data(), static_cast<std::byte*>(t.impl()->data),
                static_cast<std::size_t>(t.numel()), dtype_size(t.dtype()));
    }
}

}  // namespace detail

void save(const Module& module, const std::string& path) {
    std::vector<io::SafetensorsEntry> entries;
    for (const NamedTensor& p : module.state_dict())
        entries.push_back(detail::to_entry(p.name, p.tensor));
    io::save_safetensors(path, entries);
}

void load(Module& module, const std::string& path) {
    const std::vector<io::SafetensorsEntry> entries = io::load_safetensors(path);
    std::vector<const io::SafetensorsEntry*> all;
    for (const io::SafetensorsEntry& entry : entries) all.push_back(&entry);
    // Every check passes before any parameter or buffer is written.
    const auto matched = detail::match_module(module, all, "", "load: " + path);
    detail::copy_into_module(module, matched);
}

}  // namespace potatolemon::nn
