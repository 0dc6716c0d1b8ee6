#!/bin/bash
# The GMM rows against Pyro's, in turns (docs/performance.md, "The GMM against Pyro"): each round runs
# `./ppl bench --only gmm` (every strategy on the launcher's JVM, C1, and on the JVM a long fit is handed to, C2)
# and then Pyro's estimators, timed as ../shared/peers/gmm_discrete.py times them, one thread each.
# Usage: bench/scripts/gmm_side_by_side.sh [ROUNDS [PEERS_DIR]]   (PEERS_DIR holds src/{pyro,opt_einsum,pyro-api})
set -u
PPL="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$(cd "$PPL/../shared/peers" && pwd)"
rounds="${1:-2}"
SRC="${2:-${PEERS_DIR:-/work/peers}}/src"
export PYTHONPATH="$SRC/pyro:$SRC/opt_einsum:$SRC/pyro-api"
export BENCH_RESULTS="${BENCH_RESULTS:-$(mktemp -d)}"
export BENCH_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
(cd "$PPL" && ./ppl --version > /dev/null) || exit 1 # build first, untimed
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
for r in $(seq 1 "$rounds"); do
  echo "round $r $(date +%T)"
  (cd "$PPL" && ./ppl bench --only gmm 2>/dev/null | grep -E '^\| GMM' | sed 's/^/ppl4j /')
  /usr/bin/python3 "$PPL/bench/scripts/pyro_gmm_steps.py" "$HERE" 500 2>&1 | grep '^pyro '
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
