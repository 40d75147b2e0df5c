#include "autograd/block_pool.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace potatolemon::detail {

namespace {
constexpr int kMinShift = 6;   // 64-byte blocks
constexpr int kMaxShift = 16;  // 64 KiB; larger blocks use malloc
constexpr int kClasses = kMaxShift - kMinShift + 1;
constexpr std::size_t kCachedBytesPerClass = 1 << 20;  // bound what a thread keeps per class

struct FreeBlock {
    FreeBlock* next;
};

struct SizeClass {
    FreeBlock* head = nullptr;
    std::size_t room = 0;  // blocks it may still take; 0 until the cache opens and after it closes
};

// Plain data, so the hot path reads it without the guard a thread_local object with a destructor
// needs. The cache opens on a thread's first free (registering CacheCleanup, which closes it and
// frees its blocks at thread exit); a closed cache passes every block to malloc and free.
enum class CacheState { unopened, open, closed };
std::atomic<std::int64_t> live_blocks{0};
constinit thread_local std::array<SizeClass, kClasses> classes{};
constinit thread_local CacheState state = CacheState::unopened;

struct CacheCleanup {
    ~CacheCleanup() {
        state = CacheState::closed;
        for (SizeClass& sc : classes) {
            sc.room = 0;
            while (FreeBlock* block = sc.head) {
                sc.head = block->next;
                std::free(block);
                live_blocks.fetch_sub(1, std::memory_order_relaxed);
            }
        }
    }
};

void open_cache() {
    thread_local CacheCleanup cleanup;  // constructed here: its destructor runs at thread exit
    (void)cleanup;
    state = CacheState::open;
    for (int c = 0; c < kClasses; ++c) classes[c].room = kCachedBytesPerClass >> (c + kMinShift);
}

int size_class(std::size_t bytes) {
    int shift = std::max(kMinShift, static_cast<int>(std::bit_width(bytes - 1)));
    return shift <= kMaxShift ? shift - kMinShift : -1;
}

// The slow paths, out of line so the fast ones stay a few instructions with no frame to set up.
[[gnu::noinline]] void* allocate_new(std::size_t bytes, int c) {
    void* block = std::malloc(c >= 0 ? std::size_t(1) << (c + kMinShift) : bytes);
    if (!block) throw std::bad_alloc();
    live_blocks.fetch_add(1, std::memory_order_relaxed);
    return block;
}

[[gnu::noinline]] void free_uncached(void* block, std::size_t bytes, int c) {
    if (c >= 0 && state == CacheState::unopened) {
        open_cache();
        return pool_free(block, bytes);
    }
    std::free(block);
    live_blocks.fetch_sub(1, std::memory_order_relaxed);
}
}  // namespace

void* pool_allocate(std::size_t bytes) {
    int c = size_class(bytes);
    if (c >= 0) {
        SizeClass& sc = classes[c];
        if (FreeBlock* block = sc.head) {
            sc.head = block->next;
            ++sc.room;
            return block;
        }
    }
    return allocate_new(bytes, c);
}

void pool_free(void* block, std::size_t bytes) {
    int c = size_class(bytes);
    if (c >= 0 && classes[c].room > 0) {
        SizeClass& sc = classes[c];
        auto* free_block = static_cast<FreeBlock*>(block);
        free_block->next = sc.head;
        sc.head = free_block;
        --sc.room;
        return;
    }
    free_uncached(block, bytes, c);
}

std::int64_t pool_live_blocks() {
    return live_blocks.load(std::memory_order_relaxed);
}

}  // namespace potatolemon::detail
