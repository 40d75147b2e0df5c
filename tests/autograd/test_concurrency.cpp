// The thread contract (README "Threads", issue 9): several threads build graphs over shared
// parameters, run backward or grad on their own graphs, copy and drop handles to the same tensors,
// draw from the default generator, and free tensors another thread allocated. Run under
// ThreadSanitizer in CI (the "threads" suite), where a missing lock is a report, not a flake.
#include <doctest/doctest.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "autograd/block_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
constexpr int kThreads = 4;

void run_threads(int n, const std::function<void(int)>& body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) threads.emplace_back(body, t);
    for (std::thread& t : threads) t.join();
}

// Small integers, so every sum of them below is exact in float32 whatever its order.
Tensor integer_input(int thread, int step) {
    return tensor({{double((thread + step) % 3), 1.0, double(step % 2)},
                   {2.0, double(thread % 2), double((step * 7) % 4)}});
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && a.dtype() == b.dtype() &&
           std::memcmp(a.impl()->data, b.impl()->data,
                       static_cast<std::size_t>(a.numel()) * dtype_size(a.dtype())) == 0;
}
}  // namespace

TEST_SUITE("concurrency") {
    TEST_CASE("backward on several threads into shared parameters loses no contribution") {
        constexpr int kSteps = 200;
        Tensor w = zeros({3, 2}).requires_grad_();
        Tensor b = zeros({2}).requires_grad_();
        run_threads(kThreads, [&](int t) {
            for (int step = 0; step < kSteps; ++step) {
                Tensor loss = sum(matmul(integer_input(t, step), w) + b);
                loss.backward();
            }
        });
        // d loss / d w = xᵀ 1 and d loss / d b = the row count, summed over every step of
        // every thread: integers, so the accumulation order cannot change a bit.
        Tensor expected_w = zeros({3, 2});
        for (int t = 0; t < kThreads; ++t)
            for (int step = 0; step < kSteps; ++step)
                expected_w =
                    expected_w + matmul(transpose(integer_input(t, step), 0, 1), ones({2, 2}));
        CHECK(same_bits(w.grad(), expected_w));
        CHECK(b.grad().values() == std::vector<double>(2, 2.0 * kThreads * kSteps));
    }

    TEST_CASE("grad on several threads over shared parameters equals the one-thread result") {
        Generator gen(3);
        Tensor w = randn({3, 4}, gen).requires_grad_();
        Tensor b = randn({4}, gen).requires_grad_();
        auto gradients = [&](int t) {
            Generator local(100 + t);
            Tensor x = randn({5, 3}, local);
            Tensor loss = mean(tanh(linear(x, transpose(w, 0, 1), b)) * sigmoid(sum(x, {1}, true)));
            return grad({loss}, {w, b});
        };
        std::vector<std::vector<Tensor>> expected;
        for (int t = 0; t < kThreads; ++t) expected.push_back(gradients(t));
        std::vector<std::vector<Tensor>> got(kThreads);
        run_threads(kThreads, [&](int t) {
            for (int repeat = 0; repeat < 20; ++repeat) got[t] = gradients(t);
        });
        for (int t = 0; t < kThreads; ++t) {
            INFO("thread ", t);
            CHECK(same_bits(got[t][0], expected[t][0]));
            CHECK(same_bits(got[t][1], expected[t][1]));
        }
        CHECK_FALSE(w.grad().defined());  // grad() returns, it does not accumulate
    }

    TEST_CASE("forward passes without grad mode over shared parameters agree bitwise") {
        Tensor w = randn({8, 8}).requires_grad_();
        Tensor x = randn({4, 8});
        Tensor expected;
        {
            NoGradGuard no_grad;
            expected = relu(matmul(x, w));
        }
        run_threads(kThreads, [&](int) {
            NoGradGuard no_grad;
            for (int i = 0; i < 100; ++i) {
                Tensor y = relu(matmul(x, w));
                CHECK(!y.requires_grad());
                CHECK(same_bits(y, expected));
            }
        });
    }

    TEST_CASE("handles to one tensor copied and dropped on many threads leave one count") {
        Tensor shared = randn({4});
        run_threads(kThreads, [&](int) {
            std::vector<Tensor> copies;
            for (int i = 0; i < 1000; ++i) {
                copies.push_back(shared);
                Tensor view = shared.detach();  // a view counts its base too
                if (copies.size() > 16) copies.clear();
            }
        });
        CHECK(shared.impl()->count.use_count() == 1);
    }

    TEST_CASE("a tensor allocated on one thread and dropped last on another is freed once") {
        for (int round = 0; round < 50; ++round) {
            std::vector<Tensor> handles(kThreads);
            Tensor origin = full({16}, double(round));
            for (Tensor& h : handles) h = origin;
            origin = Tensor();  // every remaining reference now belongs to another thread
            run_threads(kThreads, [&](int t) {
                CHECK(handles[t].values()[0] == double(round));
                handles[t] = Tensor();
            });
        }
        // Counts that disagreed would show as a read of freed data above, a double free, or a
        // leak at exit (the sanitizer builds report each).
    }

    TEST_CASE("a graph built on one thread runs its backward on another") {
        Tensor w = tensor({1.0, 2.0}).requires_grad_();
        Tensor loss;
        std::thread([&] {
            loss = sum(w * w);
            loss.backward({}, {.retain_graph = true});
        }).join();
        // A fresh thread's first backward: with per-thread walk marks it met the first
        // thread's marks on the same nodes and skipped the whole graph.
        std::thread([&] { loss.backward(); }).join();
        CHECK(w.grad().values() == std::vector<double>{4.0, 8.0});
    }

    TEST_CASE("the default generator hands each call a contiguous run of its sequence") {
        constexpr int kCalls = 50, kDraws = 64;
        manual_seed(17);
        std::vector<std::vector<Tensor>> draws(kThreads);
        run_threads(kThreads, [&](int t) {
            for (int i = 0; i < kCalls; ++i) draws[t].push_back(rand({kDraws}));
        });
        // rand draws one number per element: each call must be one block of the sequence.
        Generator replay(17);
        std::vector<float> sequence(kThreads * kCalls * kDraws);
        for (float& v : sequence) v = replay.uniform_float();
        std::set<std::size_t> blocks;
        for (const auto& per_thread : draws)
            for (const Tensor& d : per_thread)
                for (std::size_t k = 0; k < kThreads * kCalls; ++k)
                    if (std::memcmp(d.data<float>(), &sequence[k * kDraws],
                                    kDraws * sizeof(float)) == 0)
                        blocks.insert(k);
        CHECK(blocks.size() == std::size_t(kThreads * kCalls));
    }

    TEST_CASE("per-thread generators give each thread the numbers of a one-thread run") {
        std::vector<Tensor> got(kThreads);
        run_threads(kThreads, [&](int t) {
            Generator gen(t);
            got[t] = randn({100}, gen);
        });
        for (int t = 0; t < kThreads; ++t) {
            Generator gen(t);
            CHECK(same_bits(got[t], randn({100}, gen)));
        }
    }
}

namespace {
// A bounded queue of tensor batches from one producer to one consumer.
struct Channel {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::vector<Tensor>> batches;
    bool done = false;
};
}  // namespace

TEST_SUITE("concurrency") {
    TEST_CASE("a million tensors made on one thread and freed on another keep memory flat") {
        // Fewer under the sanitizers, whose bookkeeping makes each tensor ~50x dearer.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
        constexpr std::int64_t kTensors = 200'000;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
        constexpr std::int64_t kTensors = 200'000;
#else
        constexpr std::int64_t kTensors = 1'000'000;
#endif
#else
        constexpr std::int64_t kTensors = 1'000'000;
#endif
        constexpr std::int64_t kBatch = 250;
        Channel channel;
        std::vector<std::int64_t> outstanding;  // blocks held from malloc, as the producer goes
        std::thread consumer([&] {
            for (;;) {
                std::unique_lock lock(channel.mutex);
                channel.changed.wait(lock,
                                     [&] { return channel.done || !channel.batches.empty(); });
                if (channel.batches.empty()) return;
                std::vector<Tensor> batch = std::move(channel.batches.front());
                channel.batches.pop_front();
                lock.unlock();
                channel.changed.notify_all();
                batch.clear();  // the last reference of each: freed on this thread
            }
        });
        for (std::int64_t made = 0; made < kTensors; made += kBatch) {
            std::vector<Tensor> batch;
            for (std::int64_t i = 0; i < kBatch; ++i) batch.push_back(full({3, 4}, 1.0));
            std::unique_lock lock(channel.mutex);
            channel.changed.wait(lock, [&] { return channel.batches.size() < 8; });
            channel.batches.push_back(std::move(batch));
            lock.unlock();
            channel.changed.notify_all();
            if (made % (kTensors / 10) == 0) outstanding.push_back(detail::pool_live_blocks());
        }
        {
            std::lock_guard lock(channel.mutex);
            channel.done = true;
        }
        channel.changed.notify_all();
        consumer.join();
        // After the first tenth the count stays within what the queue and the two threads'
        // caches can hold; a leak would add a block per tensor (kTensors / 10 per sample).
        REQUIRE(outstanding.size() == 10);
        for (std::size_t i = 2; i < outstanding.size(); ++i) {
            INFO("sample ", i, ": ", outstanding[i], " blocks against ", outstanding[1]);
            CHECK(outstanding[i] - outstanding[1] < 4 * 8 * kBatch);
        }
    }
}
