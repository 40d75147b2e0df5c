// Picks gemm's block kernel once at start-up from what the CPU supports, and lets tests and
// benchmarks override the pick. The x86 kernels exist only in x86 builds.
#include "autograd/kernels/gemm_isa.hpp"

#include <atomic>
#include <stdexcept>
#include <string>

#include "autograd/kernels/gemm_block.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define POTATOLEMON_GEMM_X86 1
#endif

namespace potatolemon::kernels {
namespace {

// AVX-512 first: on the Xeon these machines now run it is ~1.6x AVX2 (two 512-bit FMA units);
// on Zen 4 it matches AVX2 (PERFORMANCE.md), so it never loses.
GemmIsa best_supported_isa() {
    for (GemmIsa isa : {GemmIsa::avx512, GemmIsa::avx2}) {
        if (gemm_isa_supported(isa)) return isa;
    }
    return GemmIsa::portable;
}

std::atomic<GemmIsa>& isa_in_use() {
    static std::atomic<GemmIsa> isa{best_supported_isa()};
    return isa;
}

}  // namespace

const char* gemm_isa_name(GemmIsa isa) {
    switch (isa) {
        case GemmIsa::portable: return "portable";
        case GemmIsa::avx2: return "avx2";
        case GemmIsa::avx512: return "avx512";
    }
    return "unknown";
}

bool gemm_isa_supported(GemmIsa isa) {
    switch (isa) {
        case GemmIsa::portable: return true;
#ifdef POTATOLEMON_GEMM_X86
        case GemmIsa::avx2:
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        case GemmIsa::avx512: return __builtin_cpu_supports("avx512f");
#endif
        default: return false;
    }
}

GemmIsa gemm_isa() { return isa_in_use().load(std::memory_order_relaxed); }

void set_gemm_isa(GemmIsa isa) {
    if (!gemm_isa_supported(isa)) {
        throw std::invalid_argument(std::string("set_gemm_isa: this CPU or build cannot run the ") +
                                    gemm_isa_name(isa) + " kernel");
    }
    isa_in_use().store(isa, std::memory_order_relaxed);
}

template <class T>
BlockKernel<T> block_kernel(GemmIsa isa) {
    switch (isa) {
#ifdef POTATOLEMON_GEMM_X86
        case GemmIsa::avx2: return block_kernel_avx2<T>();
        case GemmIsa::avx512: return block_kernel_avx512<T>();
#endif
        default: return block_kernel_portable<T>();
    }
}

template BlockKernel<float> block_kernel<float>(GemmIsa);
template BlockKernel<double> block_kernel<double>(GemmIsa);

}  // namespace potatolemon::kernels
