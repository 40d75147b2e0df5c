// Internal to gemm: the per-thread scratch buffers that packed A and B panels are copied into.
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// A 64-byte aligned buffer of at least `count` elements owned by the calling thread; slots 0 and 1
// are separate buffers. Valid until the same thread asks for a larger one in the same slot; grows
// only, so after the first calls gemm allocates nothing.
template <class T>
T* thread_buffer(int slot, int64_t count);

}  // namespace potatolemon::kernels
