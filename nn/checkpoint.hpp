// Checkpoint: a training run's state in one safetensors file — model, optimiser, scheduler,
// generator, data loader and epoch — so that a run stopped at any moment resumes to the same bits
// (issue 9). Tensors keep PyTorch's names under a prefix per part; the scalars are JSON texts in
// the file's "__metadata__". README "Checkpoints and resume" lists every name.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "autograd/generator.hpp"
#include "nn/data/loader.hpp"
#include "nn/module.hpp"
#include "nn/optim/lr_scheduler.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/optim/reduce_lr_on_plateau.hpp"

namespace potatolemon::nn {

// The parts of a run, each optional (null: not in the file), and the loop position:
//   nn::Checkpoint checkpoint{.model = &model, .optimizer = &sgd, .scheduler = &cosine,
//                             .generator = &default_generator(), .loader = &loader};
//   checkpoint.epoch = epoch; checkpoint.save(path);  ...  checkpoint.load(path);
// File: "model.<state_dict name>", "optimizer.state.<i>.<name>", "generator.state" and
// "data.generator.state" (U64 [4]); metadata "checkpoint" {"version", "epoch"}, "optimizer"
// {"type", "param_groups"}, "scheduler" and "reduce_lr_on_plateau" {"type", torch's names},
// "generator" and "data" (the loader's settings and position), "extra" (a {string: string}).
struct Checkpoint {
    Module* model = nullptr;
    Optimizer* optimizer = nullptr;
    LRScheduler* scheduler = nullptr;
    ReduceLROnPlateau* plateau = nullptr;
    Generator* generator = nullptr;
    data::DataLoader* loader = nullptr;             // saved between epochs (DataLoader::state_dict)
    std::int64_t epoch = 0;                         // epochs completed
    std::map<std::string, std::string> extra = {};  // the program's own values (e.g. its history)

    // Writes every non-null part through save_safetensors (a temporary file fsync'd and renamed
    // over `path`, then the directory fsync'd): `path` is always a whole checkpoint. Throws
    // std::system_error when the file cannot be written.
    void save(const std::string& path) const;

    // Reads `path` into the parts, then sets epoch and extra. Everything is checked before
    // anything changes, so on any exception every part is as it was: std::system_error
    // (unreadable), FormatError (malformed file; a part in the file but null here or the reverse;
    // a name missing or extra; another optimiser or scheduler type or other settings), DtypeError,
    // ShapeError; each message starts "Checkpoint::load: <path>" and names the tensor or key.
    void load(const std::string& path);
};

}  // namespace potatolemon::nn
