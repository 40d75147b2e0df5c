#!/usr/bin/env bash
# Runs potatolemon's benchmarks and the PyTorch / LibTorch / OpenBLAS references at the same thread
# count, one process at a time, and prints one table pairing figures by name.
# Usage: benchmarks/compare.sh [threads...]     (default: 1 2; PYTHON=... picks the interpreter)
#        ONLY="cnn xor" benchmarks/compare.sh 1 2  (only those groups: op_overhead xor sine
#        simplechains pinn norm mlp pool cnn matmul conv)
# op overhead, XOR, the sine MLP and the PINN are single-threaded by design: 1 thread only.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
counts=("$@")
[[ ${#counts[@]} -eq 0 ]] && counts=(1 2)
PYTHON=${PYTHON:-/usr/bin/python3}  # Debian's python3-torch; a pyenv python3 may lack torch
ours_dir=build-bench/benchmarks
ref=build-reference
scripts=benchmarks/reference
results=$(mktemp)
trap 'rm -f "$results"' EXIT

note() { echo "compare.sh: $*" >&2; }

build() {
    # Only the benchmarks are needed: fewer targets to wait for or to break.
    if [[ ! -f build-bench/build.ninja ]]; then
        meson setup build-bench --buildtype=release -Dbenchmarks=true -Dtests=false \
            -Dexamples=false >&2 || note "meson setup failed; our side will be missing"
    fi
    ninja -C build-bench >&2 || note "ninja failed; running whatever was built"
    "$scripts/build.sh" "$ref" || note "LibTorch build failed; LibTorch column will be missing"
}

# run SIDE THREADS PROGRAM [SCRIPT]: appends "threads side figure value unit" lines to $results.
# A figure that names another thread count (_tK) is dropped; the run at K threads reports it.
run() {
    local side=$1 t=$2 path out
    shift 2
    local label="${*: -1}"
    label=${label##*/}
    for path in "$@"; do
        [[ -e $path ]] && continue
        note "skipping $side $label at $t thread(s): $path not found"
        return
    done
    note "running $side $label --threads $t"
    # OMP_WAIT_POLICY=PASSIVE: Debian's torch runs OpenMP beside a pthread OpenBLAS; at 2 threads
    # spinning OpenMP workers starve OpenBLAS (LibTorch MLP epoch 1.4 s by default, 0.56 s passive).
    if ! out=$(OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t \
               POTATOLEMON_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE "$@" --threads "$t"); then
        note "$side $label failed at $t thread(s); its figures are left out"
        return
    fi
    [[ -n $out ]] && printf '%s\n' "$out" >&2
    printf '%s\n' "$out" | awk -v side="$side" -v t="$t" 'NF == 3 {
        name = $1
        sub(/_openblas$/, "", name)
        if (match(name, /_t[0-9]+$/) && substr(name, RSTART + 2) != t) next
        print t, side, name, $2, $3
    }' >> "$results"
}

# Our executable NAME, in build-bench/benchmarks/ or one of its subfolders (mlp/, xor/, ...).
ours() {
    local found
    for found in "$ours_dir/$1" "$ours_dir"/*/"$1"; do
        [[ -x $found ]] && echo "$found" && return
    done
    echo "$ours_dir/$1"
}

# Whether group $1 is to run (ONLY unset: every group).
wanted() { [[ -z ${ONLY:-} || " $ONLY " == *" $1 "* ]]; }

run_pair() {
    local t=$1 bench=$2 stem=$3
    wanted "$stem" || return 0
    run potatolemon "$t" "$(ours "$bench")"
    run PyTorch "$t" "$PYTHON" "$scripts/${stem}_torch.py"
    run LibTorch "$t" "$ref/${stem}_libtorch"
}

build
run_pair 1 bench_op_overhead op_overhead
run_pair 1 bench_xor xor
run_pair 1 bench_sine sine
wanted simplechains && run potatolemon 1 "$(ours bench_simplechains)"  # vs SimpleChains.jl's 5.3 us
run_pair 1 bench_pinn pinn
if wanted norm; then  # thread CPU time: compared at 1 thread only
    run potatolemon 1 "$(ours bench_norm)"
    run PyTorch 1 "$PYTHON" "$scripts/norm_torch.py"
fi
for t in "${counts[@]}"; do
    run_pair "$t" bench_mlp_epoch mlp
    run_pair "$t" bench_pool pool
    run_pair "$t" bench_cnn_epoch cnn
    if wanted matmul; then
        run potatolemon "$t" "$(ours bench_matmul)"
        run OpenBLAS "$t" "$(ours bench_matmul_openblas)"
    fi
    wanted conv && run potatolemon "$t" "$(ours bench_conv)"  # beside gemm's figures, no reference
done

# Ratios read "how many times better potatolemon is": reference / ours for times (s, ns/call, ...)
# and memory, ours / reference for rates (GFLOP/s, GB/s); none for loss and accuracy.
awk '
    BEGIN { nsides = split("potatolemon PyTorch LibTorch OpenBLAS", side, " ") }
    {
        key = $1 SUBSEP $3
        if (!(key in unit)) { order[++rows] = key; unit[key] = $5 }
        value[key, $2] = $4
        used[$2] = 1
    }
    function ratio(key, s,    ours, other) {
        if (!((key, "potatolemon") in value) || !((key, s) in value)) return "-"
        ours = value[key, "potatolemon"]; other = value[key, s]
        if (unit[key] ~ /\/s$/ && other > 0) return sprintf("%.2fx", ours / other)
        if (unit[key] ~ /^(s|ms|us|ns|MB)(\/|$)/ && ours > 0) return sprintf("%.2fx", other / ours)
        return "-"
    }
    END {
        printf "| threads | figure | unit"
        for (i = 1; i <= nsides; ++i) if (side[i] in used) printf " | %s", side[i]
        for (i = 2; i <= nsides; ++i) if (side[i] in used) printf " | vs %s", side[i]
        print " |"
        printf "|---|---|---"
        for (i = 1; i <= nsides; ++i) if (side[i] in used) printf "|---"
        for (i = 2; i <= nsides; ++i) if (side[i] in used) printf "|---"
        print "|"
        for (r = 1; r <= rows; ++r) {
            split(order[r], k, SUBSEP)
            printf "| %s | %s | %s", k[1], k[2], unit[order[r]]
            for (i = 1; i <= nsides; ++i) if (side[i] in used)
                printf " | %s", ((order[r], side[i]) in value) ? value[order[r], side[i]] : "-"
            for (i = 2; i <= nsides; ++i) if (side[i] in used)
                printf " | %s", ratio(order[r], side[i])
            print " |"
        }
        print "\nvs X: X / potatolemon for times and MB, potatolemon / X for rates; > 1: we lead."
    }' "$results"
