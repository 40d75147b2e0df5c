// StateDict: an optimiser's or scheduler's state under PyTorch's state_dict() names, as scalars (a
// JSON object: param_groups and its hyperparameters, counters) and tensors (per parameter
// "state.<i>.exp_avg", ...). nn/checkpoint.hpp puts it in a file; the helpers below read and check
// the scalars so that each load_state_dict can refuse a state before it changes anything.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nn/io/json.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

struct StateDict {
    std::string type;  // the class it came from: "SGD", "Adam", "CosineAnnealingLR", ...
    io::Json scalars = io::Json(io::Json::Object{});
    std::vector<NamedTensor> tensors;
};

// A double as JSON: a number, or the string "inf", "-inf" or "nan", which JSON numbers cannot be.
io::Json json_double(double value);

// `value` as a double (json_double's strings included); throws FormatError "<what> is <value>,
// not a number" otherwise.
double state_as_double(const io::Json& value, const std::string& what);
// The one number in the list `scalars[key]` (PyTorch's per-group lists: base_lrs, _last_lr).
double state_single(const io::Json& scalars, const std::string& key, const std::string& who);

// The member `key` of the object `scalars`. Each throws FormatError "<who>: <key> ..." when the
// member is missing or of another kind (json_double's strings are read back as doubles).
const io::Json& state_member(const io::Json& scalars, const std::string& key,
                             const std::string& who);
double state_double(const io::Json& scalars, const std::string& key, const std::string& who);
std::int64_t state_int(const io::Json& scalars, const std::string& key, const std::string& who);

// Throws FormatError "<who>: state of <found type>, not <type>" unless state.type == type.
void check_state_type(const StateDict& state, const std::string& type, const std::string& who);

// Throws FormatError unless `scalars` holds exactly the members of `expected` plus those named in
// `free` (values taken from the state), each of `expected` equal to its value here: a state saved
// with other settings (momentum, betas, T_max, ...) does not continue the same run.
void check_state_settings(const io::Json& scalars, const io::Json::Object& expected,
                          const std::vector<std::string>& free, const std::string& who);

}  // namespace potatolemon::nn
