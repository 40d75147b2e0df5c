// The names a checkpoint gives optimiser and scheduler state, against torch 1.13's state_dict()
// keys for the same configurations (reference/checkpoint_names.py wrote the fixture), read back
// from a saved checkpoint file: per-parameter state keys are exactly torch's, and every
// param_groups or scheduler key is one torch uses.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "checkpoint_run.hpp"
#include "nn/io/safetensors.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
struct TorchKeys {
    const char* config;
    std::vector<std::string> keys;
};
const TorchKeys torch_keys[] = {
#include "reference/checkpoint_names.inc"
};

using MakeOptimizer = std::function<std::unique_ptr<nn::Optimizer>(std::vector<Tensor>)>;
template <class O, class Options>
MakeOptimizer make(Options options) {
    return [options](std::vector<Tensor> p) { return std::make_unique<O>(std::move(p), options); };
}
const std::map<std::string, MakeOptimizer> optimizers = {
    {"SGD()", make<nn::SGD>(nn::SGDOptions{.lr = 0.1})},
    {"SGD(momentum=0.9)", make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.9})},
    {"SGD(momentum=0.9, nesterov=True)",
     make<nn::SGD>(nn::SGDOptions{.lr = 0.1, .momentum = 0.9, .nesterov = true})},
    {"Adam()", make<nn::Adam>(nn::AdamOptions{})},
    {"Adam(amsgrad=True)", make<nn::Adam>(nn::AdamOptions{.amsgrad = true})},
    {"AdamW()", make<nn::AdamW>(nn::AdamWOptions{})},
    {"AdamW(amsgrad=True)", make<nn::AdamW>(nn::AdamWOptions{.amsgrad = true})},
    {"RMSprop()", make<nn::RMSprop>(nn::RMSpropOptions{})},
    {"RMSprop(momentum=0.9, centered=True)",
     make<nn::RMSprop>(nn::RMSpropOptions{.momentum = 0.9, .centered = true})},
};

// The torch script's parameters: [2, 3] and [4] in float64, two steps with gradients of ones.
std::vector<std::string> optimizer_keys(const MakeOptimizer& make_optimizer) {
    std::vector<Tensor> params{zeros({2, 3}, Dtype::float64).requires_grad_(),
                               zeros({4}, Dtype::float64).requires_grad_()};
    std::unique_ptr<nn::Optimizer> optimizer = make_optimizer(params);
    for (int step = 0; step < 2; ++step) {
        for (Tensor& p : params) p.set_grad(ones_like(p));
        optimizer->step();
    }
    // The names as a checkpoint file holds them: tensors "optimizer.<key>", the param_groups in
    // the "optimizer" metadata.
    test::ScratchDir dir;
    nn::Checkpoint{.optimizer = optimizer.get()}.save(dir.file("c"));
    std::map<std::string, std::string> metadata;
    std::vector<std::string> keys;
    for (const io::SafetensorsEntry& entry : io::load_safetensors(dir.file("c"), &metadata)) {
        REQUIRE(entry.name.rfind("optimizer.", 0) == 0);
        keys.push_back(entry.name.substr(std::string("optimizer.").size()));
    }
    const io::Json json = io::parse_json(metadata.at("optimizer"));
    for (const auto& member : json.find("param_groups")->as_array()[0].as_object())
        keys.push_back("param_groups.0." + member.first);
    return keys;
}

std::vector<std::string> scheduler_keys(const std::string& config) {
    nn::SGD sgd({zeros({4}, Dtype::float64).requires_grad_()}, {.lr = 0.1});
    nn::StateDict state;
    if (config == "ReduceLROnPlateau()") {
        nn::ReduceLROnPlateau plateau(sgd);
        plateau.step(1.0);
        state = plateau.state_dict();
    } else {
        std::shared_ptr<nn::LRScheduler> scheduler;
        if (config == "StepLR(step_size=2)") scheduler = std::make_shared<nn::StepLR>(sgd, 2);
        if (config == "MultiStepLR(milestones=[2, 4])")
            scheduler = std::make_shared<nn::MultiStepLR>(sgd, std::vector<std::int64_t>{2, 4});
        if (config == "ExponentialLR(gamma=0.9)")
            scheduler = std::make_shared<nn::ExponentialLR>(sgd, 0.9);
        if (config == "CosineAnnealingLR(T_max=10)")
            scheduler = std::make_shared<nn::CosineAnnealingLR>(sgd, 10);
        if (config == "LinearLR()") scheduler = std::make_shared<nn::LinearLR>(sgd);
        if (config == "SequentialLR(LinearLR(), ExponentialLR(gamma=0.9), milestones=[2])")
            scheduler = std::make_shared<nn::SequentialLR>(
                sgd,
                std::vector<std::shared_ptr<nn::LRScheduler>>{
                    std::make_shared<nn::LinearLR>(sgd),
                    std::make_shared<nn::ExponentialLR>(sgd, 0.9)},
                std::vector<std::int64_t>{2});
        REQUIRE(scheduler);
        scheduler->step();
        state = scheduler->state_dict();
    }
    std::vector<std::string> keys;
    for (const auto& member : state.scalars.as_object()) keys.push_back(member.first);
    return keys;
}

bool is_state_key(const std::string& key) {
    return key.rfind("state.", 0) == 0;
}
}  // namespace

TEST_SUITE("checkpoint") {
    TEST_CASE("optimiser and scheduler state carry torch's state_dict names") {
        std::size_t optimizer_rows = 0, scheduler_rows = 0;
        for (const TorchKeys& row : torch_keys) {
            INFO(row.config);
            const auto found = optimizers.find(row.config);
            const std::vector<std::string> ours = found != optimizers.end()
                                                      ? optimizer_keys(found->second)
                                                      : scheduler_keys(row.config);
            (found != optimizers.end() ? optimizer_rows : scheduler_rows) += 1;
            std::set<std::string> our_state, torch_state;
            for (const std::string& key : ours) {
                INFO(key);
                if (is_state_key(key)) our_state.insert(key);
                CHECK(std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end());
            }
            for (const std::string& key : row.keys)
                if (is_state_key(key)) torch_state.insert(key);
            CHECK(our_state == torch_state);
        }
        CHECK(optimizer_rows == optimizers.size());
        CHECK(scheduler_rows == 7);
    }
}
