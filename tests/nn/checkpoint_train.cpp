// The child process of test_checkpoint_kill.cpp, which kills it with SIGKILL.
//   checkpoint_train train CONFIG EPOCHS CHECKPOINT OUT
// trains test::TrainRun(CONFIG, 1) to EPOCHS epochs, resuming from CHECKPOINT when the file exists,
// saving CHECKPOINT after every epoch and the final model to OUT; prints "epoch E loss L" per epoch
// (L in hex, exact), the lines of epochs before a resume reprinted from the checkpoint.
//   checkpoint_train saves CHECKPOINT
// saves checkpoints of a 16 MB model with every weight equal to the epoch, epoch 1, 2, ... forever.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "checkpoint_run.hpp"

using namespace potatolemon;

namespace {
int train(const std::string& config, std::int64_t epochs, const std::string& path,
          const std::string& out) {
    test::TrainRun run(config, 1);
    nn::Checkpoint checkpoint = run.checkpoint();
    if (std::filesystem::exists(path)) {
        checkpoint.load(path);
        run.epoch = checkpoint.epoch;
        std::fputs(checkpoint.extra["history"].c_str(), stdout);
    }
    while (run.epoch < epochs) {
        char line[64];
        std::snprintf(line, sizeof line, "epoch %lld loss %a\n",
                      static_cast<long long>(run.epoch + 1), run.train_epoch());
        std::fputs(line, stdout);
        std::fflush(stdout);  // what a killed run printed shows in the test's log
        checkpoint.epoch = run.epoch;
        checkpoint.extra["history"] += line;
        checkpoint.save(path);
    }
    nn::save(run.model, out);
    return 0;
}

int saves(const std::string& path) {
    Generator gen(0);
    nn::Linear model(1024, 4096, gen);
    nn::Checkpoint checkpoint{.model = &model};
    for (checkpoint.epoch = 1;; ++checkpoint.epoch) {
        for (const Tensor& p : model.parameters()) {
            float* data = p.data<float>();
            std::fill(data, data + p.numel(), static_cast<float>(checkpoint.epoch));
        }
        checkpoint.save(path);
    }
}
}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    try {
        if (mode == "train" && argc == 6)
            return train(argv[2], std::atoll(argv[3]), argv[4], argv[5]);
        if (mode == "saves" && argc == 3) return saves(argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "checkpoint_train: %s\n", e.what());
        return 1;
    }
    std::fputs("usage: checkpoint_train train CONFIG EPOCHS CHECKPOINT OUT | saves CHECKPOINT\n",
               stderr);
    return 2;
}
