// Parameters and buffers ↔ safetensors entries. Element bytes are little-endian in the file; on a
// big-endian host they are reversed on the way in and out.
#include "nn/serialize.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

#include "nn/io/safetensors.hpp"

namespace potatolemon::nn {

namespace {
const char* file_dtype(Dtype dtype) {
    switch (dtype) {
    case Dtype::float32: return "F32";
    case Dtype::float64: return "F64";
    case Dtype::int64: return "I64";
    case Dtype::boolean: return "BOOL";
    }
    return "?";
}

// Copies n elements of `size` bytes between host order and little-endian order (either way).
void copy_le(const std::byte* from, std::byte* to, std::size_t n, std::size_t size) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(to, from, n * size);
    } else {
        for (std::size_t i = 0; i < n; ++i) std::reverse_copy(from + i * size,
                                                              from + (i + 1) * size, to + i * size);
    }
}

std::string where(const std::string& path, const std::string& name) {
    return "load: " + path + ": tensor '" + name + "'";
}

void check_entry(const NamedTensor& p, const io::SafetensorsEntry& entry, const std::string& path) {
    if (entry.dtype != file_dtype(p.tensor.dtype()))
        throw DtypeError(where(path, p.name) + " is " + entry.dtype + " in the file but the " +
                         "model's is " + dtype_name(p.tensor.dtype()) + " (expected " +
                         file_dtype(p.tensor.dtype()) + ")");
    const Shape& want = p.tensor.shape();
    if (!std::equal(entry.shape.begin(), entry.shape.end(), want.begin(), want.end())) {
        std::string shape = "[";
        for (std::size_t d = 0; d < entry.shape.size(); ++d) {
            if (d > 0) shape += ", ";
            shape += std::to_string(entry.shape[d]);
        }
        throw ShapeError(where(path, p.name) + " has shape " + shape + "] in the file but " +
                         to_string(want) + " in the model");
    }
    // Any other byte in a bool tensor would be undefined behaviour when read.
    for (std::size_t i = 0; p.tensor.dtype() == Dtype::boolean && i < entry.data.size(); ++i)
        if (entry.data[i] != std::byte{0} && entry.data[i] != std::byte{1})
            throw FormatError(where(path, p.name) + " is BOOL but its element " +
                              std::to_string(i) + " is neither 0 nor 1");
}
}  // namespace

void save(const Module& module, const std::string& path) {
    std::vector<io::SafetensorsEntry> entries;
    for (const NamedTensor& p : module.state_dict()) {
        const Tensor& t = p.tensor;
        const std::size_t size = dtype_size(t.dtype()), n = static_cast<std::size_t>(t.numel());
        io::SafetensorsEntry entry{p.name, file_dtype(t.dtype()),
                                   {t.shape().begin(), t.shape().end()},
                                   std::vector<std::byte>(n * size)};
        copy_le(static_cast<const std::byte*>(t.impl()->data), entry.data.data(), n, size);
        entries.push_back(std::move(entry));
    }
    io::save_safetensors(path, entries);
}

void load(Module& module, const std::string& path) {
    std::vector<io::SafetensorsEntry> entries = io::load_safetensors(path);
    std::unordered_map<std::string, const io::SafetensorsEntry*> by_name;
    for (const io::SafetensorsEntry& entry : entries) by_name.emplace(entry.name, &entry);

    std::vector<NamedTensor> params = module.state_dict();
    std::vector<const io::SafetensorsEntry*> matched;
    for (const NamedTensor& p : params) {
        auto found = by_name.find(p.name);
        if (found == by_name.end())
            throw FormatError(where(path, p.name) + " is missing from the file (" +
                              std::to_string(entries.size()) + " tensors in it)");
        check_entry(p, *found->second, path);
        matched.push_back(found->second);
        by_name.erase(found);
    }
    for (const io::SafetensorsEntry& entry : entries)  // the first unused one, in file order
        if (by_name.count(entry.name))
            throw FormatError(where(path, entry.name) + " in the file is not a parameter or " +
                              "buffer of the model");
    // Every check passed: only now write into the parameters and buffers.
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Tensor& t = params[i].tensor;
        copy_le(matched[i]->data.data(), static_cast<std::byte*>(t.impl()->data),
                static_cast<std::size_t>(t.numel()), dtype_size(t.dtype()));
    }
}

}  // namespace potatolemon::nn
