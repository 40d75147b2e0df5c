#!/usr/bin/env bash
# Builds the LibTorch reference programs against Debian's libtorch-dev (1.13) with g++ -O2.
# Usage: benchmarks/reference/build.sh [build-dir]   (default: build-reference/)
# LibTorch 1.13's headers are C++14/17 and not -Wextra clean, hence -std=c++17 and -isystem.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build-reference}
mkdir -p "$out"

CXX=${CXX:-g++}
flags=(-std=c++17 -O2 -Wall -Wextra -D_GLIBCXX_USE_CXX11_ABI=1
       -isystem /usr/include/torch/csrc/api/include)
libs=(-ltorch -ltorch_cpu -lc10)

for program in op_overhead_libtorch xor_libtorch sine_libtorch mlp_libtorch cnn_libtorch \
    pool_libtorch pinn_libtorch; do
    extra=()
    # mlp and cnn read the gzip'd IDX files
    [[ $program == mlp_libtorch || $program == cnn_libtorch ]] && extra=(-lz)
    src="$here/$program.cpp"
    # Each program takes ~20 s to compile (torch/torch.h); skip the ones already up to date.
    if [[ ! "$out/$program" -nt "$src" || ! "$out/$program" -nt "$here/reference.hpp" ]]; then
        echo "build.sh: compiling $program" >&2
        "$CXX" "${flags[@]}" "$src" -o "$out/$program" "${libs[@]}" "${extra[@]}"
    fi
done
