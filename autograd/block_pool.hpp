// A per-thread cache of freed memory blocks in power-of-two size classes, so the tensors and tape
// entries of small models (allocated and freed every step) skip malloc. Large blocks go straight
// to malloc. A block may be freed on another thread than the one that allocated it: it joins
// that thread's cache, which is bounded, so memory stays flat however blocks travel.
#pragma once
#include <cstddef>
#include <cstdint>

namespace potatolemon::detail {

void* pool_allocate(std::size_t bytes);          // throws std::bad_alloc
void pool_free(void* block, std::size_t bytes);  // `bytes` as given to pool_allocate
// Blocks taken from malloc and not yet given back, over all threads: live tensors and tape
// entries plus what the caches hold. Counted on the slow paths only.
std::int64_t pool_live_blocks();

}  // namespace potatolemon::detail
