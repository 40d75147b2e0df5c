// A small training run for the checkpoint tests and their helper program: synthetic two-class
// 8×8 images (as test_train_synthetic's, made in memory), an MLP with dropout, and per config an
// optimiser with a scheduler, so a checkpoint holds every part: model, optimiser state,
// scheduler, the generator behind dropout and the shuffling loader's position.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/data/loader.hpp"
#include "nn/nn.hpp"

namespace potatolemon::test {

// Class 0 has its top half bright, class 1 its bottom half; `n` items of `side` × `side` with
// noise, all drawn from Generator(11).
inline data::Dataset synthetic_images(std::int64_t n, std::int64_t side = 8) {
    Generator gen(11);
    std::vector<std::uint8_t> images, labels;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::uint8_t label = gen.uniform() < 0.5 ? 0 : 1;
        labels.push_back(label);
        for (std::int64_t row = 0; row < side; ++row)
            for (std::int64_t col = 0; col < side; ++col)
                images.push_back(static_cast<std::uint8_t>(
                    ((row < side / 2) == (label == 0) ? 60 : 0) + gen.uniform() * 190));
    }
    return data::Dataset(std::move(images), Shape{side * side}, std::move(labels));
}

// Configs: "sgd" (momentum, nesterov; cosine annealing per batch), "adam" (amsgrad; StepLR per
// epoch), "adamw" (SequentialLR of LinearLR then ExponentialLR per batch), "rmsprop" (centered,
// momentum; ReduceLROnPlateau on the epoch's loss). `seed` draws the initial weights and dropout's
// masks; the loader always shuffles from seed 100.
struct TrainRun {
    TrainRun(const std::string& config, std::uint64_t seed, std::int64_t items = 256,
             std::int64_t hidden = 16)
        : train(synthetic_images(items)),
          gen(seed),
          model{std::make_shared<nn::Linear>(64, hidden, gen), std::make_shared<nn::ReLU>(),
                std::make_shared<nn::Dropout>(0.2, gen),
                std::make_shared<nn::Linear>(hidden, 2, gen)},
          loader(train, {.batch_size = 16, .shuffle = true, .seed = 100}) {
        const std::vector<Tensor> params = model.parameters();
        if (config == "sgd") {
            optimizer = std::make_unique<nn::SGD>(
                params, nn::SGDOptions{.lr = 0.05, .momentum = 0.9, .nesterov = true});
            scheduler = std::make_shared<nn::CosineAnnealingLR>(*optimizer, 200);
        } else if (config == "adam") {
            optimizer =
                std::make_unique<nn::Adam>(params, nn::AdamOptions{.lr = 0.01, .amsgrad = true});
            scheduler = std::make_shared<nn::StepLR>(*optimizer, 2, 0.5);
            per_epoch = true;
        } else if (config == "adamw") {
            optimizer = std::make_unique<nn::AdamW>(params, nn::AdamWOptions{.lr = 0.01});
            auto warm = std::make_shared<nn::LinearLR>(*optimizer, 0.25, 1.0, 20);
            auto decay = std::make_shared<nn::ExponentialLR>(*optimizer, 0.98);
            scheduler = std::make_shared<nn::SequentialLR>(
                *optimizer, std::vector<std::shared_ptr<nn::LRScheduler>>{warm, decay},
                std::vector<std::int64_t>{20});
        } else if (config == "rmsprop") {
            optimizer = std::make_unique<nn::RMSprop>(
                params, nn::RMSpropOptions{.lr = 0.01, .momentum = 0.5, .centered = true});
            plateau = std::make_unique<nn::ReduceLROnPlateau>(
                *optimizer, nn::ReduceLROnPlateauOptions{.patience = 0, .threshold = 0.5});
        } else {
            throw std::invalid_argument("TrainRun: no config '" + config + "'");
        }
    }

    // One epoch; returns its mean batch loss, also appended to `losses`.
    double train_epoch() {
        double sum = 0;
        for (const data::Batch& batch : loader) {
            optimizer->zero_grad();
            Tensor loss = nn::cross_entropy(model(batch.data), batch.target);
            loss.backward();
            optimizer->step();
            if (scheduler && !per_epoch) scheduler->step();
            sum += loss.item();
        }
        const double mean = sum / static_cast<double>(loader.size());
        if (scheduler && per_epoch) scheduler->step();
        if (plateau) plateau->step(mean);
        losses.push_back(mean);
        ++epoch;
        return mean;
    }

    nn::Checkpoint checkpoint() {
        return {.model = &model,
                .optimizer = optimizer.get(),
                .scheduler = scheduler.get(),
                .plateau = plateau.get(),
                .generator = &gen,
                .loader = &loader,
                .epoch = epoch};
    }

    data::Dataset train;
    Generator gen;  // initial weights, then dropout's masks
    nn::Sequential model;
    std::unique_ptr<nn::Optimizer> optimizer;
    std::shared_ptr<nn::LRScheduler> scheduler;
    std::unique_ptr<nn::ReduceLROnPlateau> plateau;
    bool per_epoch = false;
    data::DataLoader loader;
    std::vector<double> losses;
    std::int64_t epoch = 0;
};

// A fresh directory under the system temp dir, removed with its files at scope exit.
struct ScratchDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("potatolemon-checkpoint-" + std::to_string(std::random_device()()));
    ScratchDir() { std::filesystem::create_directories(path); }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void append_bytes(std::string& out, const Tensor& t) {
    out.append(static_cast<const char*>(t.impl()->data),
               static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype()));
}

template <class T>
void append_value(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Everything a checkpoint holds, as bytes: equal strings mean the same state bit for bit.
inline std::string fingerprint(const TrainRun& run) {
    std::string out;
    for (const nn::NamedTensor& p : run.model.state_dict()) append_bytes(out += p.name, p.tensor);
    const nn::StateDict optimizer = run.optimizer->state_dict();
    out += io::dump_json(optimizer.scalars);
    for (const nn::NamedTensor& t : optimizer.tensors) append_bytes(out += t.name, t.tensor);
    if (run.scheduler) out += io::dump_json(run.scheduler->state_dict().scalars);
    if (run.plateau) out += io::dump_json(run.plateau->state_dict().scalars);
    for (const GeneratorState& g : {run.gen.get_state(), run.loader.state_dict().generator}) {
        append_value(out, g.words);
        append_value(out, g.spare_normal);
        append_value(out, g.has_spare_normal);
    }
    append_value(out, run.loader.state_dict().epoch);
    return out;
}

}  // namespace potatolemon::test
