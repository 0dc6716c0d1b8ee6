#!/bin/bash
# Two threads against one, in turns: hand-written PyTorch and ppl4j (its default: the VAE runs on the own kernels) on the VAE.
# docs/performance.md, "Two threads and the host JIT on the quiet machine". Usage: bench/scripts/vae_threads.sh [PEERS_DIR]
set -u
PPL="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$(cd "$PPL/../shared/peers" && pwd)"
SRC="${1:-${PEERS_DIR:-/work/peers}}/src"
export PYTHONPATH="$SRC/pyro:$SRC/opt_einsum:$SRC/pyro-api"
export BENCH_RESULTS="${BENCH_RESULTS:-$(mktemp -d)}"
vae_py() { VAE_MAX_STEPS=400 /usr/bin/python3 "$HERE/vae_fmnist.py" "$@" 2>&1 | grep -o "'median_ms': [0-9.]*" | head -1; }
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
for t in 1 2 1 2; do
  echo "torch threads=$t $(BENCH_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t vae_py torch 1)"
  echo "ppl4j PPL_THREADS=$t $(cd "$PPL" && PPL_THREADS=$t ./ppl bench --only vae 2>&1 | grep -E '^\| VAE step' | head -1)"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
