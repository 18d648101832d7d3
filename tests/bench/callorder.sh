#!/bin/sh
# tests/bench/callorder.sh — `admit callorder` on 1,000,000 candidates with both rates,
# CSV in and out. Prints the median wall time of 5 runs, candidates per second and the
# peak RSS. The input is deterministic (awk with a fixed seed): ranks shuffled by a
# multiplicative permutation, about 25% boursiers and 40% résidents.
set -eu
admit=${ADMIT:-build/admit}
n=${BENCH_N:-1000000}
runs=5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
in="$dir/candidates.csv"
awk -v n="$n" 'BEGIN {
  srand(20230601)
  print "id,rank,boursier,resident"
  # i -> (i * 7919) mod n + 1 is a permutation of 1..n when gcd(7919, n) = 1
  for (i = 0; i < n; i++)
    printf "C%07d,%d,%d,%d\n", i + 1, (i * 7919) % n + 1, rand() < 0.25, rand() < 0.40
}' > "$in"
times=""
for r in $(seq $runs); do
  /usr/bin/time -f '%e %M' -o "$dir/time" "$admit" callorder --min-boursiers 20 --min-residents 30 "$in" > "$dir/out.csv"
  times="$times$(cat "$dir/time")
"
done
lines=$(wc -l < "$dir/out.csv")
[ "$lines" -eq $((n + 1)) ] || { echo "callorder: expected $((n + 1)) lines, got $lines" >&2; exit 1; }
printf '%s' "$times" | sort -n | awk -v n="$n" -v runs="$runs" '
  { t[NR] = $1; if ($2 > rss) rss = $2 }
  END {
    med = t[int((runs + 1) / 2)]
    printf "callorder: %d candidates, %d runs: median %.2f s, %.0f candidates/s, peak RSS %.0f MB (all runs: ", n, runs, med, (med > 0 ? n / med : 0), rss / 1024
    for (i = 1; i <= NR; i++) printf "%s%s", t[i], (i < NR ? " " : ")\n")
  }'
