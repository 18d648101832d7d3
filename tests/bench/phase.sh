#!/bin/sh
# tests/bench/phase.sh — the phase principale (issue 12) against one `admit allocate --mode
# school` on the same files: a region (40,000 candidates, the 462 formations of the 2023
# annexes) and the nation (1,000,000 candidates, 14,000 formations, 13.3M vœux). Per size:
# CPU time (user + sys, median of RUNS runs) and peak RSS of allocate, phase --behaviour
# ideal (checked identical to allocate) and phase with the behaviour model, their ratios,
# then the CPU time per day (tests/bench/phase_days.lua, through on_day) for 10, 37 and 74
# days. Targets: national phase ≤ 3× allocate's time and ≤ 1.5× its memory; region < 0.5 s.
# PHASE_SIZES="region" skips the national run.
set -eu
admit=${ADMIT:-build/admit}
case $admit in /*) ;; *) admit=$(pwd)/$admit ;; esac
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-3}
sizes=${PHASE_SIZES:-"region national"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run NAME CMD...: runs CMD $runs times; sets $cpu (median user+sys, s) and $rss (max, KB)
run() {
  name=$1; shift
  : > "$work/$name.cpu"
  rss=0
  i=0
  while [ $i -lt "$runs" ]; do
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || {
      cat "$work/stderr" >&2; exit 1; }
    read -r u s m < "$work/time"
    awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f\n", u + s }' >> "$work/$name.cpu"
    [ "$m" -gt "$rss" ] && rss=$m
    i=$((i + 1))
  done
  cpu=$(median < "$work/$name.cpu")
}

for size in $sizes; do
  in="$work/in-$size"
  case $size in
    region) "$admit" generate --out "$in" --seed 2023 --candidates 40000 > /dev/null 2>&1 ;;
    national) "$admit" generate --out "$in" --seed 7 --candidates 1000000 --formations 14000 > /dev/null 2>&1 ;;
    *) echo "unknown size $size" >&2; exit 2 ;;
  esac
  files="--formations $in/formations.csv --candidates $in/candidates.csv --wishes $in/wishes.csv"
  wishes=$(($(wc -l < "$in/wishes.csv") - 1))
  echo "$size: $(($(wc -l < "$in/candidates.csv") - 1)) candidates, $wishes vœux, $(($(wc -l < "$in/formations.csv") - 1)) formations, 37 days"
  printf '  %-26s %10s %10s %8s %8s   %s\n' command "CPU s" "peak MiB" "× time" "× mem" "runs (CPU s)"
  # shellcheck disable=SC2086
  run alloc "$admit" allocate $files --out "$work/alloc" --mode school
  a_cpu=$cpu; a_rss=$rss
  printf '  %-26s %10s %10s %8s %8s   %s\n' "allocate --mode school" "$cpu" $((rss / 1024)) 1 1 "$(tr '\n' ' ' < "$work/alloc.cpu")"
  for b in ideal model; do
    # shellcheck disable=SC2086
    run "$b" "$admit" phase $files --out "$work/phase-$b" --behaviour "$b"
    printf '  %-26s %10s %10s %8s %8s   %s\n' "phase --behaviour $b" "$cpu" $((rss / 1024)) \
      "$(awk -v a="$a_cpu" -v b="$cpu" 'BEGIN { printf "%.2f", b / a }')" \
      "$(awk -v a="$a_rss" -v b="$rss" 'BEGIN { printf "%.2f", b / a }')" "$(tr '\n' ' ' < "$work/$b.cpu")"
  done
  if cmp -s "$work/alloc/assignments.csv" "$work/phase-ideal/assignments.csv"; then
    echo "  limit case: phase --behaviour ideal assignments.csv identical to allocate --mode school"
  else
    echo "  limit case: DIFFERENT assignments (bug)"; exit 1
  fi
  echo "  CPU per day (os.clock through on_day; 'phase' = the engine without loading):"
  for d in 10 37 74; do
    echo "    $("$admit" "$here/phase_days.lua" "$in/formations.csv" "$in/candidates.csv" "$in/wishes.csv" "$d" model)"
  done
  rm -rf "$in" "$work"/alloc "$work"/phase-*
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
