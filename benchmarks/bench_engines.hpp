// What the benchmarks that time a training step in both engines (bench_xor, bench_sine,
// bench_pinn) share: their flags, the timed loop of steps, and the run of median time per engine.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "nn/capture.hpp"

namespace potatolemon::bench {

// The value after `name` on the command line, or `fallback`.
inline std::string text_flag(int argc, char** argv, const std::string& name, const char* fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return fallback;
}
inline long long_flag(int argc, char** argv, const std::string& name, long fallback) {
    const std::string value = text_flag(argc, argv, name, "");
    return value.empty() ? fallback : std::strtol(value.c_str(), nullptr, 10);
}

struct StepsTiming {
    double seconds;
    double final_loss;  // what the last step returned
};

// `steps` calls of step(inputs) (at least one), timed together.
inline StepsTiming time_steps(nn::CapturedStep& step, std::span<const Tensor> inputs, long steps) {
    const auto start = std::chrono::steady_clock::now();
    for (long s = 0; s + 1 < steps; ++s) step(inputs);
    const double loss = step(inputs).item();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {elapsed.count(), loss};
}

// For each engine that --engine asks for (replay, eager or both, in that order): `runs` calls of
// run_once(engine), whose result has a `seconds` field, and report(median run, suffix), the suffix
// of that engine's figures being "" for replay and "_eager" for eager.
template <class RunOnce, class Report>
void time_engines(int argc, char** argv, long runs, RunOnce run_once, Report report) {
    const std::string only = text_flag(argc, argv, "--engine", "both");
    for (nn::Engine engine : {nn::Engine::replay, nn::Engine::eager}) {
        const bool eager = engine == nn::Engine::eager;
        if (only != "both" && only != (eager ? "eager" : "replay")) continue;
        std::vector<decltype(run_once(engine))> timings;
        for (long r = 0; r < runs; ++r) timings.push_back(run_once(engine));
        std::sort(timings.begin(), timings.end(),
                  [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
        report(timings[timings.size() / 2], eager ? "_eager" : "");
    }
}

}  // namespace potatolemon::bench
