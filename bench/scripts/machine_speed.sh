#!/bin/bash
# Times the same fixed work every quarter second for SECONDS (default 40) and prints each time in ms, then the
# minimum, median and maximum: run it alone to see the machine's phases (docs/performance.md, "The machine's
# phases"). Needs a C compiler (Debian: gcc). Usage: bench/scripts/machine_speed.sh [SECONDS]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../target/machine_speed"
mkdir -p "$(dirname "$bin")"
[ "$bin" -nt "$here/machine_speed.c" ] || cc -O2 -o "$bin" "$here/machine_speed.c"
times="$("$bin" "${1:-40}" | cut -d' ' -f2)"
echo $times
sort -n <<<"$times" | awk '{ t[NR] = $1 } END {
  printf "ms of the same work: min %.0f, median %.0f, max %.0f (%d runs)\n", t[1], t[int((NR + 1) / 2)], t[NR], NR }'
