#include "autograd/block_pool.hpp"

#include <algorithm>
#include <array>
#include <bit>
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

// Plain data, so the hot path reads it without the guard a thread_local object with a destructor
// needs; CacheCleanup frees the blocks at thread exit.
thread_local FreeBlock* heads[kClasses];
thread_local std::size_t counts[kClasses];
thread_local bool cache_destroyed = false;

struct CacheCleanup {
    ~CacheCleanup() {
        cache_destroyed = true;
        for (FreeBlock*& head : heads)
            while (head) {
                FreeBlock* next = head->next;
                std::free(head);
                head = next;
            }
    }
};

// Constructs this thread's CacheCleanup (registering its destructor) on first use.
void register_cleanup() {
    thread_local CacheCleanup cleanup;
    (void)cleanup;
}

int size_class(std::size_t bytes) {
    int shift = std::max(kMinShift, static_cast<int>(std::bit_width(bytes - 1)));
    return shift <= kMaxShift ? shift - kMinShift : -1;
}
}  // namespace

void* pool_allocate(std::size_t bytes) {
    int c = cache_destroyed ? -1 : size_class(bytes);
    if (c >= 0 && heads[c]) {
        FreeBlock* block = heads[c];
        heads[c] = block->next;
        --counts[c];
        return block;
    }
    void* block = std::malloc(c >= 0 ? std::size_t(1) << (c + kMinShift) : bytes);
    if (!block) throw std::bad_alloc();
    return block;
}

void pool_free(void* block, std::size_t bytes) {
    int c = cache_destroyed ? -1 : size_class(bytes);
    if (c < 0 || counts[c] << (c + kMinShift) >= kCachedBytesPerClass) {
        std::free(block);
        return;
    }
    if (!heads[c]) register_cleanup();
    auto* free_block = static_cast<FreeBlock*>(block);
    free_block->next = heads[c];
    heads[c] = free_block;
    ++counts[c];
}

}  // namespace potatolemon::detail
