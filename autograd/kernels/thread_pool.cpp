// The thread-count setting and the persistent pool behind parallel_for. One job runs at a time:
// the caller publishes it, wakes the workers, and everyone claims chunks from one atomic ticket.
#include "autograd/kernels/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace potatolemon {
namespace {

std::atomic<int>& thread_setting() {
    static std::atomic<int> setting{num_threads_from_env(std::getenv("POTATOLEMON_NUM_THREADS"))};
    return setting;
}

}  // namespace

int num_threads_from_env(const char* value) {
    if (value != nullptr) {
        char* end = nullptr;
        long n = std::strtol(value, &end, 10);
        if (end != value && *end == '\0' && n >= 1 && n <= 4096) return static_cast<int>(n);
    }
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void set_num_threads(int n) {
    if (n < 1) {
        throw std::invalid_argument("set_num_threads: need n >= 1, got " + std::to_string(n));
    }
    thread_setting().store(n, std::memory_order_relaxed);
}

int num_threads() { return thread_setting().load(std::memory_order_relaxed); }

}  // namespace potatolemon

namespace potatolemon::kernels {
namespace {

// How long an idle worker polls for the next job before sleeping. Waking a sleeping thread costs
// tens of microseconds on this VM, so back-to-back kernels should find the workers still polling.
// After the first few polls it yields between polls: a woken worker is often placed on its
// waker's CPU, and a pure spin there would take that CPU from the caller.
constexpr auto spin_time = std::chrono::microseconds(200);
constexpr int pause_polls = 256;
// Chunks per thread: claimed dynamically, so a descheduled or late thread holds up less work.
constexpr int64_t chunks_per_thread = 4;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// True on pool workers and on a caller while it runs chunks: a nested parallel_for runs inline.
thread_local bool in_parallel_region = false;

// The job's ticket packs (generation << 32) | (chunks << 16) | next unclaimed chunk, so a worker
// that wakes late cannot claim a chunk of a newer job than the one it saw published.
constexpr uint64_t ticket_of(uint32_t generation, int chunks, int next) {
    return (uint64_t{generation} << 32) | (uint64_t(chunks) << 16) | uint64_t(next);
}

class ThreadPool {
public:
    ~ThreadPool() { resize(0); }
    int workers() const { return static_cast<int>(threads_.size()); }
    void resize(int workers);
    void run(int64_t n, int chunks, const RangeFnRef& fn);

private:
    void worker_main(uint32_t seen);
    bool wait_for_job(uint32_t& seen);
    void claim_and_run(uint32_t generation);
    void run_chunk(int chunk, int chunks);

    std::vector<std::thread> threads_;
    std::mutex mutex_;  // guards stop_ and generation_ changes, for the condition variable
    std::condition_variable wake_;
    std::atomic<uint32_t> generation_{0};
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> ticket_{0};
    std::atomic<int> chunks_done_{0};
    // The current job; written before the ticket is published, read after a chunk is claimed.
    const RangeFnRef* fn_ = nullptr;
    int64_t n_ = 0;
    std::mutex error_mutex_;
    std::exception_ptr error_;
};

void ThreadPool::resize(int workers) {
    if (workers == this->workers()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_.store(true);
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    stop_.store(false);
    // A new worker waits for the generation after the current one, even if it starts late.
    uint32_t seen = generation_.load();
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this, seen] { worker_main(seen); });
}

void ThreadPool::worker_main(uint32_t seen) {
    in_parallel_region = true;
    while (wait_for_job(seen)) claim_and_run(seen);
}

// Polls for a new generation for spin_time, then sleeps; false when the pool is stopping.
bool ThreadPool::wait_for_job(uint32_t& seen) {
    auto deadline = std::chrono::steady_clock::now() + spin_time;
    for (int polls = 1;; ++polls) {
        if (stop_.load(std::memory_order_relaxed)) return false;
        uint32_t now = generation_.load(std::memory_order_acquire);
        if (now != seen) {
            seen = now;
            return true;
        }
        if (polls < pause_polls) {
            cpu_relax();
        } else {
            std::this_thread::yield();
            if (std::chrono::steady_clock::now() > deadline) break;
        }
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    seen = generation_.load();
    return !stop_.load();
}

void ThreadPool::claim_and_run(uint32_t generation) {
    uint64_t ticket = ticket_.load(std::memory_order_acquire);
    for (;;) {
        int chunks = static_cast<int>((ticket >> 16) & 0xffff);
        int next = static_cast<int>(ticket & 0xffff);
        if (static_cast<uint32_t>(ticket >> 32) != generation || next >= chunks) return;
        if (ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel)) {
            run_chunk(next, chunks);
            chunks_done_.fetch_add(1, std::memory_order_release);
            ticket = ticket_.load(std::memory_order_acquire);
        }
    }
}

void ThreadPool::run_chunk(int chunk, int chunks) {
    int64_t base = n_ / chunks, extra = n_ % chunks;
    int64_t begin = chunk * base + std::min<int64_t>(chunk, extra);
    int64_t end = begin + base + (chunk < extra ? 1 : 0);
    try {
        (*fn_)(begin, end);
    } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
    }
}

void ThreadPool::run(int64_t n, int chunks, const RangeFnRef& fn) {
    fn_ = &fn;
    n_ = n;
    error_ = nullptr;
    chunks_done_.store(0, std::memory_order_relaxed);
    uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
    ticket_.store(ticket_of(generation, chunks, 0), std::memory_order_release);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.store(generation, std::memory_order_release);
    }
    wake_.notify_all();
    in_parallel_region = true;
    claim_and_run(generation);
    in_parallel_region = false;
    // The last chunks may be running on a worker that shares this CPU: yield to it soon.
    for (int polls = 1; chunks_done_.load(std::memory_order_acquire) < chunks; ++polls) {
        if (polls < pause_polls) {
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

std::mutex& pool_mutex() {
    static std::mutex m;
    return m;
}

ThreadPool& pool() {
    static ThreadPool p;
    return p;
}

}  // namespace

void parallel_for_ref(int64_t n, int64_t grain, RangeFnRef fn) {
    int threads = num_threads();
    int64_t chunks = std::min<int64_t>(
            {threads * chunks_per_thread, n / std::max<int64_t>(grain, 1), 0xffff});
    if (chunks <= 1 || in_parallel_region) return fn(0, n);
    std::unique_lock<std::mutex> lock(pool_mutex(), std::try_to_lock);
    if (!lock.owns_lock()) return fn(0, n);  // another thread's job is running: don't queue
    pool().resize(threads - 1);
    pool().run(n, static_cast<int>(chunks), fn);
}

}  // namespace potatolemon::kernels
