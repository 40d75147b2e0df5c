// Internal to pooling: the split of planes over the thread pool that pool.cpp and pool_2x2.cpp
// share, and the disjoint 2×2 max-pool's values path (pool_2x2.cpp) that max_pool2d takes.
#pragma once
#include <algorithm>
#include <cstdint>

#include "autograd/kernels/pool.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {

inline constexpr std::int64_t kGrain = 1 << 15;  // elements touched per thread-pool chunk

// Runs body(p0, p1) for every range of planes on the thread pool; a plane is never split between
// threads.
template <class Body>
void for_plane_ranges(const Pool2dGeometry& g, Body body) {
    // Elements read per plane, in double: kernels may be huge (as long as they fit the padding).
    double per_plane = double(g.in_h) * double(g.in_w) + double(g.out_h) * double(g.out_w) *
                                                             double(std::min(g.kernel_h, g.in_h)) *
                                                             double(std::min(g.kernel_w, g.in_w));
    auto grain = static_cast<std::int64_t>(std::max(1.0, kGrain / std::max(per_plane, 1.0)));
    parallel_for(g.planes, grain, body);
}

// max_pool2d's values (no indices) over disjoint 2×2 windows: disjoint_2x2(g) holds.
template <class T>
void max_pool2d_disjoint_2x2(const Pool2dGeometry& g, const T* in, T* out);

}  // namespace potatolemon::kernels
