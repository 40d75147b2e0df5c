// Which instruction set gemm's micro-kernel uses, and whether the elementwise loops run their
// AVX-512 build (elementwise_kernels.hpp; their bits are the same either way). The best one the
// CPU supports is picked once at start-up with __builtin_cpu_supports; tests and benchmarks may
// switch, e.g. to the portable kernel that every CPU and compiler runs, whose results match the
// others within rounding.
#pragma once

namespace potatolemon::kernels {

enum class GemmIsa { portable, avx2, avx512 };

// "portable", "avx2" or "avx512".
const char* gemm_isa_name(GemmIsa isa);

// Whether this build and this CPU can run the kernel for `isa`.
bool gemm_isa_supported(GemmIsa isa);

// The kernel gemm uses now.
GemmIsa gemm_isa();

// Makes gemm use `isa` from now on. Not for use while another thread runs gemm.
// Throws std::invalid_argument when !gemm_isa_supported(isa).
void set_gemm_isa(GemmIsa isa);

}  // namespace potatolemon::kernels
