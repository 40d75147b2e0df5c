#!/bin/sh
# Side-by-side table of bench_matmul and bench_matmul_openblas, each run in its own process and
# alternated ROUNDS times (default 3). Each figure is already a median of repeats; the table shows
# the median over rounds, and ratio = ours / OpenBLAS (for ns/call: OpenBLAS / ours), > 1 = faster.
# Usage: compare.sh BUILD_DIR [--threads 1,2] [--filter TEXT]
set -eu
build=${1:?usage: compare.sh BUILD_DIR [--threads 1,2] [--filter TEXT]}
shift
rounds=${ROUNDS:-3}
dir=$build/benchmarks/matmul
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
    "$dir/bench_matmul" "$@" 2>/dev/null | sed 's/^/ours /' >>"$out"
    "$dir/bench_matmul_openblas" "$@" | sed 's/^/openblas /; s/_openblas / /' >>"$out"
    i=$((i + 1))
done
awk '
function median(list,    v, k, i, j, t) {
    k = split(list, v, " ")
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
            t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
        }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
{
    runs[$1, $2] = runs[$1, $2] " " $3; unit[$2] = $4
    if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 }
}
END {
    printf "%-36s %9s %9s %6s  %s\n", "figure", "ours", "openblas", "ratio", "unit"
    for (i = 0; i < n; i++) {
        f = order[i]; a = median(runs["ours", f]); b = median(runs["openblas", f])
        r = unit[f] == "ns/call" ? b / a : a / b
        printf "%-36s %9.1f %9.1f %6.2f  %s\n", f, a, b, r, unit[f]
    }
}' "$out"
