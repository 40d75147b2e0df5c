// Saving and loading a module's parameters and buffers as safetensors (the format torch, jax and
// HF share): one entry per state_dict name ("0.weight", "1.running_mean", ...), F32, F64, I64 or
// BOOL by its dtype, so a model trained here loads into torch.nn with load_state_dict and back. The
// byte format is nn/io's job.
#pragma once
#include <string>

#include "nn/module.hpp"

namespace potatolemon::nn {

// Writes every parameter and buffer of `module`, in state_dict order, to `path` through a
// temporary file renamed into place, so `path` is never half-written. Throws std::system_error
// when the file cannot be written.
void save(const Module& module, const std::string& path);

// Reads `path` into the module's parameters and buffers, in place (optimisers holding them stay
// valid). Everything is checked before any tensor changes, so on any exception the module is
// untouched. Throws std::system_error (unreadable file), FormatError (malformed file, a
// parameter or buffer missing from it, a tensor in it the module does not have, a BOOL byte
// other than 0 or 1), DtypeError (F32 in the file for a float64 tensor, other dtypes) or
// ShapeError, each message naming the tensor.
void load(Module& module, const std::string& path);

}  // namespace potatolemon::nn
