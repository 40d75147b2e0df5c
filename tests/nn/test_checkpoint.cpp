// nn::Checkpoint: a run resumed from its checkpoint after any epoch ends bit for bit where the
// uninterrupted run ends, for every optimiser and scheduler; a checkpoint that does not fit (shape,
// dtype, names, optimiser or scheduler type or settings, loader settings, missing parts) is
// refused with a typed error naming the tensor or key, and nothing changes. Kills are tested in
// test_checkpoint_kill.cpp, PyTorch's names in test_checkpoint_names.cpp.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "checkpoint_run.hpp"

using namespace potatolemon;
namespace fs = std::filesystem;
using test::fingerprint;
using test::ScratchDir;
using test::TrainRun;

namespace {
const char* const configs[] = {"sgd", "adam", "adamw", "rmsprop"};
}  // namespace

TEST_SUITE("checkpoint") {
    TEST_CASE("a run of E epochs equals bit for bit the run resumed after any epoch") {
        constexpr int epochs = 4;
        ScratchDir dir;
        for (const char* config : configs) {
            TrainRun whole(config, 1);
            for (int e = 0; e < epochs; ++e) whole.train_epoch();
            const std::string want = fingerprint(whole);
            TrainRun other_seed(config, 7);
            for (int e = 0; e < epochs; ++e) other_seed.train_epoch();
            REQUIRE(fingerprint(other_seed) != want);  // the comparison can tell runs apart
            for (int k = 1; k < epochs; ++k) {
                INFO(config, " resumed after epoch ", k);
                TrainRun first(config, 1);
                for (int e = 0; e < k; ++e) first.train_epoch();
                first.checkpoint().save(dir.file("run.safetensors"));
                // Another seed: weights, dropout's generator and state must all come from the file.
                TrainRun resumed(config, 7);
                nn::Checkpoint checkpoint = resumed.checkpoint();
                checkpoint.load(dir.file("run.safetensors"));
                CHECK(checkpoint.epoch == k);
                CHECK(fingerprint(resumed) == fingerprint(first));
                for (int e = k; e < epochs; ++e) {
                    const double loss = resumed.train_epoch();
                    CHECK(std::memcmp(&loss, &whole.losses[e], sizeof loss) == 0);
                }
                CHECK(fingerprint(resumed) == want);
            }
        }
    }

    TEST_CASE("save replaces the file whole and leaves no temporary file; extra round-trips") {
        ScratchDir dir;
        TrainRun run("adam", 1);
        run.train_epoch();
        nn::Checkpoint checkpoint = run.checkpoint();
        checkpoint.extra = {{"history", "0.5 0.25"}, {"note", "ünïcode"}};
        checkpoint.save(dir.file("c.safetensors"));
        run.train_epoch();
        checkpoint.epoch = 2;
        checkpoint.save(dir.file("c.safetensors"));
        CHECK(std::distance(fs::directory_iterator(dir.path), {}) == 1);
        TrainRun loaded("adam", 3);
        nn::Checkpoint into = loaded.checkpoint();
        into.load(dir.file("c.safetensors"));
        CHECK(into.epoch == 2);
        CHECK(into.extra == checkpoint.extra);
        CHECK(fingerprint(loaded) == fingerprint(run));
    }

    TEST_CASE("Generator::set_state continues another generator's draws, spare normal included") {
        Generator a(5);
        a.normal();  // leaves the second normal of a pair pending
        Generator b(6);
        b.set_state(a.get_state());
        for (int i = 0; i < 5; ++i) CHECK(a.normal() == b.normal());
        CHECK(a.next_u64() == b.next_u64());
        CHECK_THROWS_AS(b.set_state(GeneratorState{}), std::invalid_argument);
    }
}
