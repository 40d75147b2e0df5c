// Checkpoints that do not fit are refused before anything changes: each case loads a checkpoint
// into a run that differs in one way and checks the typed error, that its message names the
// tensor or key, and that the run's whole state (test::fingerprint) is as before.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "checkpoint_run.hpp"

using namespace potatolemon;
using test::fingerprint;
using test::ScratchDir;
using test::TrainRun;

namespace {
// Loads `path` into `run` through its checkpoint; checks the error type E, that the message holds
// `names`, and that neither the run nor the checkpoint's epoch changed.
template <class E>
void expect_refused(TrainRun& run, const std::string& path, const std::string& names) {
    const std::string before = fingerprint(run);
    nn::Checkpoint checkpoint = run.checkpoint();
    checkpoint.epoch = -5;
    std::string message;
    try {
        checkpoint.load(path);
    } catch (const E& e) {
        message = e.what();
    } catch (const std::exception& e) {
        FAIL("another exception: ", e.what());
    }
    INFO("message: ", message);
    CHECK(message.find("Checkpoint::load") != std::string::npos);
    CHECK(message.find(names) != std::string::npos);
    CHECK(checkpoint.epoch == -5);
    CHECK(fingerprint(run) == before);
}

// A run of `config` trained one epoch, saved to `path`.
void save_run(const std::string& config, const std::string& path) {
    TrainRun run(config, 1);
    run.train_epoch();
    run.checkpoint().save(path);
}
}  // namespace

TEST_SUITE("checkpoint") {
    TEST_CASE("a checkpoint of another model shape is refused naming the tensor") {
        ScratchDir dir;
        save_run("sgd", dir.file("c"));
        TrainRun wider("sgd", 2, 256, 17);
        wider.train_epoch();
        expect_refused<ShapeError>(wider, dir.file("c"), "'model.0.weight'");
    }

    TEST_CASE("a checkpoint of another optimiser type is refused") {
        ScratchDir dir;
        save_run("adam", dir.file("c"));
        TrainRun sgd("sgd", 2);
        expect_refused<FormatError>(sgd, dir.file("c"), "the state is of Adam, not SGD");
        TrainRun adamw("adamw", 2);
        adamw.scheduler = std::make_shared<nn::StepLR>(*adamw.optimizer, 2, 0.5);
        expect_refused<FormatError>(adamw, dir.file("c"), "Adam, not AdamW");
    }

    TEST_CASE("an optimiser or scheduler with other settings is refused naming the key") {
        ScratchDir dir;
        save_run("sgd", dir.file("c"));
        TrainRun momentum("sgd", 2);
        momentum.optimizer = std::make_unique<nn::SGD>(momentum.model.parameters(),
                                                       nn::SGDOptions{.lr = 0.05, .momentum = 0.5});
        momentum.scheduler = std::make_shared<nn::CosineAnnealingLR>(*momentum.optimizer, 200);
        expect_refused<FormatError>(momentum, dir.file("c"), "'momentum' is 0.9");
        TrainRun t_max("sgd", 2);
        t_max.scheduler = std::make_shared<nn::CosineAnnealingLR>(*t_max.optimizer, 100);
        expect_refused<FormatError>(t_max, dir.file("c"), "'T_max' is 200");
        TrainRun scheduler_type("sgd", 2);
        scheduler_type.scheduler = std::make_shared<nn::StepLR>(*scheduler_type.optimizer, 200);
        expect_refused<FormatError>(scheduler_type, dir.file("c"), "CosineAnnealingLR, not StepLR");
    }

    TEST_CASE("amsgrad's extra state and RMSprop's settings must match") {
        ScratchDir dir;
        save_run("adam", dir.file("c"));
        TrainRun plain("adam", 2);
        plain.optimizer =
            std::make_unique<nn::Adam>(plain.model.parameters(), nn::AdamOptions{.lr = 0.01});
        plain.scheduler = std::make_shared<nn::StepLR>(*plain.optimizer, 2, 0.5);
        expect_refused<FormatError>(plain, dir.file("c"), "'amsgrad' is true");
        save_run("rmsprop", dir.file("r"));
        TrainRun centered("rmsprop", 2);
        centered.plateau = std::make_unique<nn::ReduceLROnPlateau>(
            *centered.optimizer, nn::ReduceLROnPlateauOptions{.patience = 3, .threshold = 0.5});
        expect_refused<FormatError>(centered, dir.file("r"), "'patience' is 0");
    }

    TEST_CASE("parts missing on either side and other loader settings are refused") {
        ScratchDir dir;
        save_run("sgd", dir.file("c"));
        TrainRun no_scheduler("sgd", 2);
        no_scheduler.scheduler.reset();
        expect_refused<FormatError>(no_scheduler, dir.file("c"), "holds a scheduler but none");
        TrainRun plateau("sgd", 2);
        plateau.plateau = std::make_unique<nn::ReduceLROnPlateau>(*plateau.optimizer);
        expect_refused<FormatError>(plateau, dir.file("c"), "holds no reduce_lr_on_plateau");
        TrainRun batch("sgd", 2);
        batch.loader =
            data::DataLoader(batch.train, {.batch_size = 32, .shuffle = true, .seed = 100});
        expect_refused<FormatError>(batch, dir.file("c"), "'batch_size' is 16");
        TrainRun fewer("sgd", 2, 128);
        expect_refused<FormatError>(fewer, dir.file("c"), "'size' is 256");
    }

    TEST_CASE("a model-only checkpoint in float32 does not load into float64 weights") {
        ScratchDir dir;
        Generator gen(0);
        nn::Linear saved(3, 2, gen), loaded(3, 2, gen);
        loaded.to(Dtype::float64);
        nn::Checkpoint{.model = &saved}.save(dir.file("m"));
        const std::vector<double> before = loaded.weight().values();
        nn::Checkpoint into{.model = &loaded};
        CHECK_THROWS_WITH_AS(into.load(dir.file("m")), doctest::Contains("'model.weight'"),
                             DtypeError);
        CHECK(loaded.weight().values() == before);
    }

    TEST_CASE("a truncated checkpoint is refused and a non-checkpoint file too") {
        ScratchDir dir;
        save_run("sgd", dir.file("c"));
        std::filesystem::resize_file(dir.file("c"), std::filesystem::file_size(dir.file("c")) / 2);
        TrainRun run("sgd", 2);
        const std::string before = fingerprint(run);
        nn::Checkpoint checkpoint = run.checkpoint();
        CHECK_THROWS_AS(checkpoint.load(dir.file("c")), FormatError);
        nn::save(run.model, dir.file("plain"));
        CHECK_THROWS_WITH_AS(checkpoint.load(dir.file("plain")),
                             doctest::Contains("not a checkpoint file"), FormatError);
        CHECK(fingerprint(run) == before);
    }

    TEST_CASE("Optimizer::load_state_dict names the bad tensor and changes nothing") {
        auto refused = [](const char* config, const std::function<void(nn::StateDict&)>& edit,
                          const char* names) {
            TrainRun run(config, 1);
            run.train_epoch();
            nn::StateDict bad = run.optimizer->state_dict();
            edit(bad);
            const std::string before = fingerprint(run);
            std::string message;
            try {
                run.optimizer->load_state_dict(bad);
            } catch (const std::exception& e) {
                message = e.what();
            }
            INFO(config, " expecting ", names, ", message: ", message);
            CHECK(message.find(names) != std::string::npos);
            CHECK(fingerprint(run) == before);
        };
        // SGD: state.<i>.momentum_buffer for parameters 0-3.
        refused(
            "sgd", [](nn::StateDict& s) { s.tensors[0].tensor = zeros({3}); },
            "'state.0.momentum_buffer' has shape [3]");
        refused(
            "sgd",
            [](nn::StateDict& s) { s.tensors[1].tensor = s.tensors[1].tensor.to(Dtype::float64); },
            "'state.1.momentum_buffer' is float64");
        refused(
            "sgd", [](nn::StateDict& s) { s.tensors[2].name = "state.2.step"; },
            "'state.2.step' is not state");
        refused(
            "sgd",
            [](nn::StateDict& s) {
                s.tensors.push_back({"state.9.momentum_buffer", zeros({1})});
            },
            "'state.9.momentum_buffer' is not state");
        refused(
            "sgd", [](nn::StateDict& s) { s.tensors.push_back(s.tensors[0]); },
            "'state.0.momentum_buffer' appears twice");
        // Adam with amsgrad: state.<i>.step, exp_avg, exp_avg_sq, max_exp_avg_sq.
        refused(
            "adam", [](nn::StateDict& s) { s.tensors.erase(s.tensors.begin() + 2); },
            "'state.0.exp_avg_sq' is missing");
        refused(
            "adam", [](nn::StateDict& s) { s.tensors[0].tensor = zeros({}, Dtype::int64); },
            "'state.0.step' must be one int64 >= 1");
        refused(
            "adam", [](nn::StateDict& s) { s.type = "AdamW"; }, "the state is of AdamW, not Adam");
    }
}
