// Between tensors and safetensors entries, shared by nn::save/load and nn::Checkpoint: one
// conversion each way and the matching of a module's state_dict against a file's entries.
// Internal: not installed.
#pragma once
#include <string>
#include <vector>

#include "nn/io/safetensors.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn::detail {

// "F32", "F64", "I64" or "BOOL", the file's name of `dtype`.
const char* file_dtype(Dtype dtype);

// `t`'s elements as a little-endian entry named `name`.
io::SafetensorsEntry to_entry(const std::string& name, const Tensor& t);

// A new tensor holding `entry`'s elements. Throws DtypeError for a dtype other than F32, F64, I64
// or BOOL and FormatError for a BOOL byte other than 0 or 1, the message "<who>: tensor '<name>'".
Tensor from_entry(const io::SafetensorsEntry& entry, const std::string& who);

// For each of the module's state_dict tensors, in order, the entry named `prefix` + its name.
// `entries` are the file's entries meant for the module. Throws, naming the tensor "<who>: tensor
// '<prefix><name>'": FormatError (one missing, one that the module does not have, a BOOL byte
// other than 0 or 1), DtypeError or ShapeError.
std::vector<const io::SafetensorsEntry*> match_module(
    const Module& module, const std::vector<const io::SafetensorsEntry*>& entries,
    const std::string& prefix, const std::string& who);

// Copies each matched entry into its state_dict tensor, in place.
void copy_into_module(const Module& module,
                      const std::vector<const io::SafetensorsEntry*>& matched);

}  // namespace potatolemon::nn::detail
