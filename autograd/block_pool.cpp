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

// Trivially destructible, so still readable while other thread_local objects are destroyed.
thread_local bool cache_destroyed = false;

struct ThreadCache {
    std::array<FreeBlock*, kClasses> heads{};
    std::array<std::size_t, kClasses> counts{};

    ~ThreadCache() {
        cache_destroyed = true;
        for (FreeBlock* head : heads)
            while (head) {
                FreeBlock* next = head->next;
                std::free(head);
                head = next;
            }
    }
};

thread_local ThreadCache cache;

int size_class(std::size_t bytes) {
    int shift = std::max(kMinShift, static_cast<int>(std::bit_width(bytes - 1)));
    return shift <= kMaxShift ? shift - kMinShift : -1;
}
}  // namespace

void* pool_allocate(std::size_t bytes) {
    int c = cache_destroyed ? -1 : size_class(bytes);
    if (c >= 0 && cache.heads[c]) {
        FreeBlock* block = cache.heads[c];
        cache.heads[c] = block->next;
        --cache.counts[c];
        return block;
    }
    void* block = std::malloc(c >= 0 ? std::size_t(1) << (c + kMinShift) : bytes);
    if (!block) throw std::bad_alloc();
    return block;
}

void pool_free(void* block, std::size_t bytes) {
    int c = cache_destroyed ? -1 : size_class(bytes);
    if (c < 0 || cache.counts[c] << (c + kMinShift) >= kCachedBytesPerClass) {
        std::free(block);
        return;
    }
    auto* free_block = static_cast<FreeBlock*>(block);
    free_block->next = cache.heads[c];
    cache.heads[c] = free_block;
    ++cache.counts[c];
}

}  // namespace potatolemon::detail
