// Biased reference counts for tensors (Choi et al., PACT 2018; CPython 3.13's free-threaded
// ob_ref_local/ob_ref_shared): the thread that allocated a tensor counts its own handle copies
// without atomics, every other thread counts in an atomic shared field, and the tensor is freed
// when both reach zero. Also the per-thread registry that hands counts back to their owner.
#pragma once
#include <atomic>
#include <cstdint>

namespace potatolemon::detail {

struct TensorImpl;

// The owner token of a thread that has not allocated a tensor yet, or has exited; no count is
// ever owned by it. Token 0 marks a merged count, owned by nobody.
inline constexpr std::uint32_t kNoThread = ~std::uint32_t{0};
extern constinit thread_local std::uint32_t thread_token;
// Set when this thread must register or merge counts other threads queued for it; read on every
// allocation (initial-exec TLS: one load).
extern constinit thread_local std::atomic<bool> thread_needs_service;

// `shared` holds (count << 2) | state. A non-owner that drops a reference the owner counted
// would take `count` below zero; instead it queues the tensor to the owner (state queued, the
// queue holding that reference), and the owner merges both counts into `shared` (state merged,
// owner 0) at its next allocation. The owner merges too when its own count reaches zero while
// other threads still hold references. Once merged, every thread counts atomically.
struct BiasedCount {
    static constexpr std::int32_t kQueued = 2;
    static constexpr std::int32_t kMerged = 3;
    static constexpr std::int32_t kOne = 4;  // one reference in `shared`

    // Read and written only by the owner thread (plain, so the compiler may fold an op's copies
    // and drops), and by a merge on behalf of an owner that has exited (under a mutex).
    std::uint32_t local = 1;
    std::atomic<std::int32_t> shared{0};
    std::atomic<std::uint32_t> owner{0};

    bool owned_here() const { return owner.load(std::memory_order_relaxed) == thread_token; }
    // References held, exact while no other thread copies or drops one, for a tensor this
    // thread owns or a merged one; for another thread's unmerged tensor only those counted in
    // `shared` (its owner's count is not ours to read).
    std::int64_t use_count() const;
};

// Registers this thread (first allocation) and merges what others queued for it. False once the
// thread has exited (its thread_local destructors are running): counts it creates start merged.
bool service_thread();
// The paths of TensorImpl::retain and release that are not the owner's copies: a non-owner
// copies or drops a reference; the owner's count reached zero (freed, or merged while other
// threads still hold references).
void retain_shared(TensorImpl* impl);
void release_shared(TensorImpl* impl);
void release_last_local(TensorImpl* impl);

}  // namespace potatolemon::detail
