#!/bin/bash
# Cold start of ./ppl run examples/coin.ppl in turns: the default flags, PPL_KERNELS=vector, and PPL_KERNELS=vector
# with C2's thresholds ten times higher. docs/performance.md. Usage: bench/scripts/cold_start.sh [rounds]
cd "$(dirname "$0")/../.." || exit 1
T4="-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
for r in $(seq 1 "${1:-3}"); do
  /usr/bin/time -f "default round $r: %e s wall, %U s user" ./ppl run examples/coin.ppl > /dev/null
  /usr/bin/time -f "vector round $r: %e s wall, %U s user" env PPL_KERNELS=vector ./ppl run examples/coin.ppl > /dev/null
  /usr/bin/time -f "vector, C2 thresholds x10, round $r: %e s wall, %U s user" env PPL_KERNELS=vector PPL_JAVA_OPTS="$T4" \
      ./ppl run examples/coin.ppl > /dev/null
done 2>&1 | grep round
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
