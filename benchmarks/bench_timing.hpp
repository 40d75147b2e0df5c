// What the small benchmark programs share: the median over batches of the mean time per call,
// read from wall time or from the calling thread's CPU time, and an integer command-line flag.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

namespace potatolemon::bench {

inline double wall_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// CPU time of the calling thread: on a shared machine it leaves out the time spent waiting.
inline double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Median over `batches` of the mean time per call of step() in ms, after one warm-up call.
template <class F>
double median_ms(int batches, int iters, F step, double (*clock_ms)() = wall_ms) {
    step();
    std::vector<double> per_iter;
    for (int b = 0; b < batches; ++b) {
        double start = clock_ms();
        for (int i = 0; i < iters; ++i) step();
        per_iter.push_back((clock_ms() - start) / iters);
    }
    std::sort(per_iter.begin(), per_iter.end());
    return per_iter[per_iter.size() / 2];
}

// The integer after `name` on the command line, or `fallback`.
inline int int_flag(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
    return fallback;
}

}  // namespace potatolemon::bench
