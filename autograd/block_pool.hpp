// A per-thread cache of freed memory blocks in power-of-two size classes, so the tensors and tape
// entries of small models (allocated and freed every step) skip malloc. Large blocks go straight
// to malloc. A block may be freed on another thread than the one that allocated it.
#pragma once
#include <cstddef>

namespace potatolemon::detail {

void* pool_allocate(std::size_t bytes);          // throws std::bad_alloc
void pool_free(void* block, std::size_t bytes);  // `bytes` as given to pool_allocate

}  // namespace potatolemon::detail
