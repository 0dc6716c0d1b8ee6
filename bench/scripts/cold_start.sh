#!/bin/bash
# Cold start in turns: wall-clock and user CPU of `LAUNCHER run PROGRAM` for each variant, ROUNDS rounds, then the
# median of each (docs/performance.md#cold-start).
# Usage: bench/scripts/cold_start.sh [ROUNDS [PROGRAM [VARIANT...]]]
#   VARIANT is "label|launcher|VAR=value;VAR=value" (the launcher relative to the checkout; the environment may
#   be empty). Default: 7 rounds of examples/coin.ppl by ./ppl as it is, with PPL_CDS=off, and with
#   PPL_KERNELS=vector. To compare with the launcher of an older commit:
#     git show COMMIT:ppl > ppl_old && chmod +x ppl_old
#     bench/scripts/cold_start.sh 9 examples/coin.ppl "before|./ppl_old|" "now|./ppl|"
cd "$(dirname "$0")/../.." || exit 1
rounds="${1:-7}"
program="${2:-examples/coin.ppl}"
shift 2 2>/dev/null || shift $#
variants=("$@")
if [ ${#variants[@]} -eq 0 ]; then
  variants=("default|./ppl|" "PPL_CDS=off|./ppl|PPL_CDS=off" "PPL_KERNELS=vector|./ppl|PPL_KERNELS=vector")
fi
./ppl --version > /dev/null || exit 1  # build first, untimed
declare -A wall user
t="$(mktemp)"
for r in $(seq 1 "$rounds"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r label launcher envs <<<"$v"
    IFS=';' read -ra ev <<<"$envs"
    if ! /usr/bin/time -f "%e %U" -o "$t" env ${ev[@]+"${ev[@]}"} "$launcher" run "$program" > /dev/null 2>&1; then
      echo "$label: the run failed" >&2
    fi
    wall[$label]+=" $(cut -d' ' -f1 "$t")"
    user[$label]+=" $(cut -d' ' -f2 "$t")"
  done
done
rm -f "$t"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for v in "${variants[@]}"; do
  label="${v%%|*}"
  echo "$label: median $(median <<<"${wall[$label]}") s wall (${wall[$label]# }), $(median <<<"${user[$label]}") s user CPU"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
