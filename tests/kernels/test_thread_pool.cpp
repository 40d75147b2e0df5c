// The thread-count setting and parallel_for: every index covered exactly once for any thread count
// and grain, chunk sizes, inline runs, nesting, concurrent callers, and exceptions.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"

using potatolemon::kernels::parallel_for;

namespace {

struct RestoreThreads {
    int threads = potatolemon::num_threads();
    ~RestoreThreads() { potatolemon::set_num_threads(threads); }
};

// Runs parallel_for and records every (begin, end) chunk it was given.
std::vector<std::pair<int64_t, int64_t>> chunks_of(int64_t n, int64_t grain) {
    std::mutex mutex;
    std::vector<std::pair<int64_t, int64_t>> chunks;
    parallel_for(n, grain, [&](int64_t begin, int64_t end) {
        std::lock_guard<std::mutex> lock(mutex);
        chunks.emplace_back(begin, end);
    });
    std::sort(chunks.begin(), chunks.end());
    return chunks;
}

}  // namespace

TEST_SUITE("thread_pool") {

TEST_CASE("set_num_threads rejects counts below 1 and keeps the previous one") {
    RestoreThreads restore;
    potatolemon::set_num_threads(3);
    CHECK(potatolemon::num_threads() == 3);
    CHECK_THROWS_AS(potatolemon::set_num_threads(0), std::invalid_argument);
    CHECK_THROWS_AS(potatolemon::set_num_threads(-2), std::invalid_argument);
    CHECK(potatolemon::num_threads() == 3);
    try {
        potatolemon::set_num_threads(0);
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).rfind("set_num_threads:", 0) == 0);
    }
}

TEST_CASE("POTATOLEMON_NUM_THREADS is used when it is a positive integer") {
    int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    CHECK(potatolemon::num_threads_from_env("3") == 3);
    CHECK(potatolemon::num_threads_from_env("1") == 1);
    for (const char* invalid : {"0", "-2", "", "two", "3x", "1.5"})
        CHECK(potatolemon::num_threads_from_env(invalid) == hardware);
    CHECK(potatolemon::num_threads_from_env(nullptr) == hardware);
}

TEST_CASE("parallel_for covers each index exactly once, in chunks of at least grain") {
    RestoreThreads restore;
    for (int threads : {1, 2, 3, 4}) {
        potatolemon::set_num_threads(threads);
        for (int64_t n : {0, 1, 2, 7, 100, 1001})
            for (int64_t grain : {1, 3, 50, 2000}) {
                INFO("threads=", threads, " n=", n, " grain=", grain);
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                parallel_for(n, grain, [&](int64_t begin, int64_t end) {
                    for (int64_t i = begin; i < end; ++i) hits[size_t(i)].fetch_add(1);
                });
                CHECK(std::all_of(hits.begin(), hits.end(), [](auto& h) { return h == 1; }));
                auto chunks = chunks_of(n, grain);
                CHECK(chunks.size() <= size_t(4 * threads));
                for (auto [begin, end] : chunks)
                    CHECK((end - begin >= grain || chunks.size() == 1));
            }
    }
}

TEST_CASE("parallel_for splits into near-equal chunks, at most four per thread") {
    RestoreThreads restore;
    potatolemon::set_num_threads(3);
    auto chunks = chunks_of(90, 10);  // 9 chunks of 10
    REQUIRE(chunks.size() == 9);
    CHECK(chunks[0] == std::make_pair(int64_t{0}, int64_t{10}));
    CHECK(chunks[8] == std::make_pair(int64_t{80}, int64_t{90}));
    chunks = chunks_of(1000, 1);  // 12 chunks of 83 or 84
    REQUIRE(chunks.size() == 12);
    CHECK(chunks[0] == std::make_pair(int64_t{0}, int64_t{84}));
    CHECK(chunks[11] == std::make_pair(int64_t{917}, int64_t{1000}));
}

TEST_CASE("parallel_for runs inline on the caller when n <= grain or with one thread") {
    RestoreThreads restore;
    const auto caller = std::this_thread::get_id();
    for (int threads : {1, 2}) {
        potatolemon::set_num_threads(threads);
        std::thread::id seen;
        parallel_for(10, threads == 1 ? 1 : 10, [&](int64_t, int64_t) {
            seen = std::this_thread::get_id();
        });
        CHECK(seen == caller);
    }
}

TEST_CASE("parallel_for uses other threads than the caller") {
    RestoreThreads restore;
    potatolemon::set_num_threads(2);
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> other{false};
    // Each chunk waits briefly for the other so that the caller cannot run both alone.
    std::atomic<int> arrived{0};
    parallel_for(2, 1, [&](int64_t, int64_t) {
        arrived.fetch_add(1);
        for (int i = 0; i < 2000000 && arrived.load() < 2; ++i) std::this_thread::yield();
        if (std::this_thread::get_id() != caller) other = true;
    });
    CHECK(other.load());
}

TEST_CASE("nested parallel_for runs the inner loop inline and still covers everything") {
    RestoreThreads restore;
    potatolemon::set_num_threads(2);
    std::vector<std::atomic<int>> hits(40 * 30);
    parallel_for(40, 1, [&](int64_t b0, int64_t e0) {
        for (int64_t i = b0; i < e0; ++i)
            parallel_for(30, 1, [&](int64_t b1, int64_t e1) {
                for (int64_t j = b1; j < e1; ++j) hits[size_t(i * 30 + j)].fetch_add(1);
            });
    });
    CHECK(std::all_of(hits.begin(), hits.end(), [](auto& h) { return h == 1; }));
}

TEST_CASE("parallel_for from two threads at once: both complete correctly") {
    RestoreThreads restore;
    potatolemon::set_num_threads(2);
    std::vector<int64_t> sums(2, 0);
    auto work = [&](size_t slot) {
        for (int round = 0; round < 200; ++round) {
            std::atomic<int64_t> sum{0};
            parallel_for(1000, 10, [&](int64_t begin, int64_t end) {
                int64_t local = 0;
                for (int64_t i = begin; i < end; ++i) local += i;
                sum += local;
            });
            if (sum != 999 * 1000 / 2) return;
            sums[slot] = sum;
        }
    };
    std::thread other(work, 1);
    work(0);
    other.join();
    CHECK(sums[0] == 499500);
    CHECK(sums[1] == 499500);
}

TEST_CASE("an exception in a chunk reaches the caller, and the pool keeps working") {
    RestoreThreads restore;
    potatolemon::set_num_threads(2);
    CHECK_THROWS_AS(parallel_for(100, 1,
                                 [](int64_t begin, int64_t) {
                                     if (begin > 0) throw std::runtime_error("chunk failed");
                                 }),
                    std::runtime_error);
    std::atomic<int64_t> count{0};
    parallel_for(100, 1, [&](int64_t begin, int64_t end) { count += end - begin; });
    CHECK(count == 100);
}

TEST_CASE("changing the thread count between calls resizes the pool") {
    RestoreThreads restore;
    for (int threads : {4, 1, 2, 3, 2}) {
        potatolemon::set_num_threads(threads);
        CHECK(chunks_of(1000, 1).size() == size_t(threads == 1 ? 1 : 4 * threads));
    }
}

}  // TEST_SUITE
