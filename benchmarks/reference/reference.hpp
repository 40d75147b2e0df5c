// What the LibTorch reference programs share: `--name value` flags and thread pinning.
// Header-only on purpose: each reference program is one translation unit built by build.sh.
#pragma once

#include <torch/torch.h>

#include <cstdlib>
#include <cstring>

// Debian's LibTorch calls OpenBLAS for matmul, whose own pool ignores at::set_num_threads. Weak, so
// a LibTorch built on another BLAS still links; the loaded OpenBLAS supplies it at run time.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace reference {

// The value after `name` on the command line, or `fallback`.
inline const char* flag(int argc, char** argv, const char* name, const char* fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return fallback;
}

inline int flag_int(int argc, char** argv, const char* name, int fallback) {
    const char* value = flag(argc, argv, name, nullptr);
    return value != nullptr ? std::atoi(value) : fallback;
}

// Pins ATen's intra-op pool and OpenBLAS to n threads. OMP_WAIT_POLICY must come from the
// environment (libgomp reads it at load); compare.sh sets it.
inline void set_threads(int n) {
    at::set_num_threads(n);
    if (openblas_set_num_threads != nullptr) openblas_set_num_threads(n);
}

}  // namespace reference
