// The library-wide thread count and parallel_for, which runs a loop on a persistent worker pool.
// Workers spin briefly after each job and then sleep on a condition variable; no thread is spawned
// per call. Nested or concurrent parallel_for calls run inline on the calling thread.
#pragma once
#include <cstdint>
#include <memory>
#include <type_traits>

namespace potatolemon {

// Sets how many threads parallel kernels use, the calling thread included (1 = no workers).
// Throws std::invalid_argument when n < 1.
void set_num_threads(int n);

// Threads parallel kernels use. Default: POTATOLEMON_NUM_THREADS when it holds an integer >= 1,
// else std::thread::hardware_concurrency().
int num_threads();

// The default num_threads() for POTATOLEMON_NUM_THREADS = `value` (nullptr when unset): the value
// when it is a whole integer in [1, 4096], else std::thread::hardware_concurrency() (at least 1).
int num_threads_from_env(const char* value);

}  // namespace potatolemon

namespace potatolemon::kernels {

// A non-owning, copyable reference to a callable `void(int64_t begin, int64_t end)`: two pointers,
// no allocation. The callable must outlive the reference.
class RangeFnRef {
public:
    template <class F>
    explicit RangeFnRef(F& fn) noexcept
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(fn)))),
          call_([](void* object, int64_t begin, int64_t end) {
              (*static_cast<F*>(object))(begin, end);
          }) {}

    void operator()(int64_t begin, int64_t end) const { call_(object_, begin, end); }

private:
    void* object_;
    void (*call_)(void*, int64_t, int64_t);
};

// Runs fn(begin, end) over [0, n) split into near-equal contiguous chunks of at least `grain`
// items, at most four per thread, which the threads claim as they go; returns when all are done
// and rethrows the first exception a chunk threw. Inline when n <= grain or num_threads() is 1.
void parallel_for_ref(int64_t n, int64_t grain, RangeFnRef fn);

// parallel_for_ref for any callable `void(int64_t, int64_t)`; cheap for small n (no allocation,
// no std::function).
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& fn) {
    if (n <= 0) return;
    if (n <= grain || num_threads() == 1) {
        fn(int64_t{0}, n);
        return;
    }
    std::remove_reference_t<F>& callable = fn;
    parallel_for_ref(n, grain, RangeFnRef(callable));
}

}  // namespace potatolemon::kernels
