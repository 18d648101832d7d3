#!/bin/sh
# tests/bench/sim.sh — admit generate and admit allocate at national scale (issue 5):
# 10k, 100k and 1M candidates (14 formations per 1,000 candidates: 14,000 at 1M, as in
# Parcoursup 2023), about 13 vœux per candidate. Prints per size the median wall time of
# RUNS runs, the peak RSS (/usr/bin/time %M) and vœux per second. Targets at 1M:
# each command within 10 s and 2 GiB.
set -eu
admit=${ADMIT:-build/admit}
case $admit in /*) ;; *) admit=$(pwd)/$admit ;; esac
runs=${RUNS:-3}
sizes=${SIZES:-"10000 100000 1000000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run NAME CMD...: runs CMD $runs times; sets $wall (median s) and $rss (max KB)
run() {
  name=$1; shift
  : > "$work/$name.times"
  rss=0
  i=0
  while [ $i -lt "$runs" ]; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || {
      cat "$work/stderr" >&2; exit 1; }
    read -r t m < "$work/time"
    echo "$t" >> "$work/$name.times"
    [ "$m" -gt "$rss" ] && rss=$m
    i=$((i + 1))
  done
  wall=$(median < "$work/$name.times")
}

printf '%-10s %-9s %10s %10s %10s %12s %14s\n' candidates command "vœux" "median s" "peak MiB" "vœux/s" "runs (s)"
for n in $sizes; do
  f=$((n * 14 / 1000))
  in="$work/in-$n"
  run gen "$admit" generate --out "$in" --seed 7 --candidates "$n" --formations "$f"
  wishes=$(($(wc -l < "$in/wishes.csv") - 1))
  printf '%-10s %-9s %10s %10s %10s %12s %14s\n' "$n" generate "$wishes" "$wall" $((rss / 1024)) \
    "$(awk -v w="$wishes" -v t="$wall" 'BEGIN { printf "%.0f", w / t }')" "$(tr '\n' ' ' < "$work/gen.times")"
  for mode in student school; do
    run alloc "$admit" allocate --formations "$in/formations.csv" --candidates "$in/candidates.csv" \
      --wishes "$in/wishes.csv" --out "$work/out-$n" --mode "$mode"
    printf '%-10s %-9s %10s %10s %10s %12s %14s\n' "$n" "$mode" "$wishes" "$wall" $((rss / 1024)) \
      "$(awk -v w="$wishes" -v t="$wall" 'BEGIN { printf "%.0f", w / t }')" "$(tr '\n' ' ' < "$work/alloc.times")"
  done
  rm -rf "$in" "$work/out-$n"
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
