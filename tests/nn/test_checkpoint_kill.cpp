// Checkpoints against SIGKILL: a training process (checkpoint_train, built beside this test) killed
// at a random moment and resumed ends with the same final weights and printed losses, bit for bit,
// as an uninterrupted run; a process killed while saving a 16 MB checkpoint leaves the file a
// whole, loadable checkpoint, and the next save removes the temporary it left. Delays are random
// (std::random_device) and logged on failure.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint_run.hpp"

using namespace potatolemon;
using Clock = std::chrono::steady_clock;

namespace {
constexpr const char* trainer = CHECKPOINT_TRAIN;  // the helper's path, from meson

// Starts the helper with `args`, its stdout into `stdout_path`.
pid_t spawn(const std::vector<std::string>& args, const std::string& stdout_path) {
    std::vector<char*> argv{const_cast<char*>(trainer)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {  // only async-signal-safe calls until exec
        const int fd = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
        execv(trainer, argv.data());
        _exit(127);
    }
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return status;
}

void run_to_end(const std::vector<std::string>& args, const std::string& stdout_path) {
    const int status = wait_status(spawn(args, stdout_path));
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
}

std::string read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

int temporaries(const std::filesystem::path& dir) {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        count += entry.path().string().find(".tmp-") != std::string::npos;
    return count;
}

std::string host_name() {
    char host[256] = {};
    REQUIRE(gethostname(host, sizeof host - 1) == 0);
    return host;
}

double random_fraction() {
    std::random_device random;
    return std::uniform_real_distribution<double>(0, 1)(random);
}
}  // namespace

TEST_SUITE("checkpoint") {
    TEST_CASE("a run killed with SIGKILL at a random moment and resumed ends bit for bit equal") {
        test::ScratchDir dir;
        const std::string epochs = "6";
        const Clock::time_point start = Clock::now();
        run_to_end({"train", "adamw", epochs, dir.file("ref.ckpt"), dir.file("ref.out")},
                   dir.file("ref.txt"));
        const auto whole = Clock::now() - start;
        const std::string want_weights = read_all(dir.file("ref.out"));
        const std::string want_lines = read_all(dir.file("ref.txt"));
        REQUIRE(want_lines.find("epoch 6 loss") != std::string::npos);
        for (int trial = 0; trial < 5; ++trial) {
            const std::string ckpt = dir.file("run" + std::to_string(trial) + ".ckpt");
            const std::string out = dir.file("run" + std::to_string(trial) + ".out");
            const auto delay =
                std::chrono::duration_cast<std::chrono::microseconds>(whole * random_fraction());
            const pid_t pid = spawn({"train", "adamw", epochs, ckpt, out}, dir.file("killed.txt"));
            std::this_thread::sleep_for(delay);
            kill(pid, SIGKILL);
            const int status = wait_status(pid);
            const std::string printed = read_all(dir.file("killed.txt"));
            INFO("trial ", trial, ": killed after ", delay.count(), " us (whole run ",
                 std::chrono::duration_cast<std::chrono::microseconds>(whole).count(), " us), ",
                 std::string(WIFSIGNALED(status) ? "mid-run" : "after its end"),
                 "; it had printed:\n", printed);
            run_to_end({"train", "adamw", epochs, ckpt, out}, dir.file("resumed.txt"));
            CHECK(read_all(dir.file("resumed.txt")) == want_lines);
            CHECK(read_all(out) == want_weights);
        }
    }

    TEST_CASE("a kill during a save leaves the previous checkpoint whole and loadable") {
        test::ScratchDir dir;
        const std::string ckpt = dir.file("big.ckpt");
        for (int trial = 0; trial < 5; ++trial) {
            for (const auto& entry : std::filesystem::directory_iterator(dir.path))
                std::filesystem::remove(entry.path());
            const pid_t pid = spawn({"saves", ckpt}, dir.file("saves.txt"));
            const Clock::time_point start = Clock::now();
            while (!std::filesystem::exists(ckpt) &&
                   Clock::now() - start < std::chrono::seconds(20))
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const auto delay =
                std::chrono::microseconds(static_cast<std::int64_t>(200'000 * random_fraction()));
            std::this_thread::sleep_for(delay);
            kill(pid, SIGKILL);
            const int status = wait_status(pid);
            REQUIRE(WIFSIGNALED(status));  // killed while it was still saving
            Generator gen(1);
            nn::Linear model(1024, 4096, gen);
            nn::Checkpoint checkpoint{.model = &model};
            checkpoint.load(ckpt);
            const int temporary = temporaries(dir.path);  // a kill between create and rename
            INFO("trial ", trial, ": killed ", delay.count(), " us after the first save, ",
                 temporary, " temporary file left; the file is of epoch ", checkpoint.epoch);
            CHECK(checkpoint.epoch >= 1);
            const float epoch = static_cast<float>(checkpoint.epoch);
            for (const Tensor& p : model.parameters()) {
                const float* data = p.data<float>();
                CHECK(std::all_of(data, data + p.numel(), [&](float v) { return v == epoch; }));
            }
            checkpoint.save(ckpt);  // removes the killed process's temporary
            CHECK(temporaries(dir.path) == 0);
        }
    }

    TEST_CASE("a save removes its target's temporaries of exited processes of this host only") {
        test::ScratchDir dir;
        const std::string ckpt = dir.file("run.ckpt");
        const pid_t exited = fork();  // a pid that no longer runs once reaped
        REQUIRE(exited >= 0);
        if (exited == 0) _exit(0);
        REQUIRE(WIFEXITED(wait_status(exited)));
        const std::string host = host_name();
        const std::string dead = ckpt + ".tmp-" + std::to_string(exited) + "-" + host + "-0badf00d";
        const std::vector<std::string> kept{
            ckpt + ".tmp-" + std::to_string(getppid()) + "-" + host + "-0badf00d",  // alive
            ckpt + ".tmp-" + std::to_string(exited) + "-other" + host + "-0badf00d",
            dir.file("other.ckpt") + ".tmp-" + std::to_string(exited) + "-" + host + "-0badf00d",
            ckpt + ".tmp-0badf00d"};  // the older naming: no owner to ask
        for (const std::string& path : kept) std::ofstream(path) << "partial";
        // The helper is killed mid-save, leaving (most times) a temporary of its own too.
        const pid_t pid = spawn({"saves", ckpt}, dir.file("saves.txt"));
        const Clock::time_point start = Clock::now();
        while (!std::filesystem::exists(ckpt) && Clock::now() - start < std::chrono::seconds(20))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        kill(pid, SIGKILL);
        REQUIRE(WIFSIGNALED(wait_status(pid)));
        std::ofstream(dead) << "partial";
        const int before = temporaries(dir.path);
        Generator gen(1);
        nn::Linear model(1024, 4096, gen);
        nn::Checkpoint checkpoint{.model = &model};
        checkpoint.save(ckpt);
        INFO(before, " temporaries before the save");
        CHECK(!std::filesystem::exists(dead));
        for (const std::string& path : kept) CHECK_MESSAGE(std::filesystem::exists(path), path);
        CHECK(temporaries(dir.path) == static_cast<int>(kept.size()));
    }
}
