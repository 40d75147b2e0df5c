// Per-thread scratch buffers for gemm's packed panels.
#include "autograd/kernels/gemm_buffer.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace potatolemon::kernels {

template <class T>
T* thread_buffer(int slot, int64_t count) {
    constexpr size_t align = 64;
    thread_local std::vector<T> buffers[2];
    std::vector<T>& buffer = buffers[slot];
    size_t need = static_cast<size_t>(count) + align / sizeof(T);
    if (buffer.size() < need) buffer.resize(need);
    void* p = buffer.data();
    size_t space = buffer.size() * sizeof(T);
    return static_cast<T*>(std::align(align, sizeof(T) * static_cast<size_t>(count), p, space));
}

template float* thread_buffer<float>(int, int64_t);
template double* thread_buffer<double>(int, int64_t);

}  // namespace potatolemon::kernels
