#!/bin/sh
# Annex figures: import of the 2023 recueil, loading of the embedded annexes, 10 000 rate
# lookups. Medians of 7 runs (wall seconds) and peak RSS (KiB, /usr/bin/time -f %M).
set -eu
admit=${ADMIT:-build/admit}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {  # name, then the command
  name=$1; shift
  for i in 1 2 3 4 5 6 7; do
    /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" > /dev/null 2>&1
    cat "$tmp/t"
  done > "$tmp/runs"
  secs=$(cut -d' ' -f1 "$tmp/runs" | median)
  rss=$(cut -d' ' -f2 "$tmp/runs" | median)
  printf '%-28s median %ss, peak RSS %s KiB\n' "$name" "$secs" "$rss"
}

measure "startup (admit -e '')" "$admit" -e ''
measure "import-recueil (462 rows)" "$admit" import-recueil tests/fixtures/annex/000_15ed9cf3954b8ee4.txt --out "$tmp/out"
measure "admit.annexes() load" "$admit" -e 'assert(admit.annexes())'
measure "10000 min_rate lookups" "$admit" -e '
  local pro = assert(admit.annexes()).pro
  for i = 1, 10000 do assert(pro:min_rate("Lycée Louis Pasteur", "Travaux publics", "Hénin-Beaumont")) end'
measure "1000 find (folded substring)" "$admit" -e '
  local pro = assert(admit.annexes()).pro
  for i = 1, 1000 do assert(#pro:find { program = "cybersecurite" } == 20) end'
