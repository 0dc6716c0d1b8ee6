#!/bin/bash
# The VAE side by side (hand-written PyTorch, Pyro, ppl4j by default and with PPL_KERNELS=vector), one thread each,
# in turns, first with the environment as it is and then without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for every
# command (as a machine without that override has it). docs/performance.md, "Side by side again with OpenBLAS 0.3.28".
# Usage: bench/scripts/vae_blas_side_by_side.sh [PEERS_DIR]   (PEERS_DIR holds the peers' src/, see
# ../shared/peers/README.md; default /work/peers). KERNELS="vector" times only the own kernels (default: both);
# ENVS=machine or ENVS=plain runs only one of the two environments.
set -u
PPL="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$(cd "$PPL/../shared/peers" && pwd)"
SRC="${1:-${PEERS_DIR:-/work/peers}}/src"
export PYTHONPATH="$SRC/pyro:$SRC/opt_einsum:$SRC/pyro-api"
export BENCH_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export BENCH_RESULTS="${BENCH_RESULTS:-$(mktemp -d)}"
vae_py() { VAE_MAX_STEPS=400 /usr/bin/python3 "$HERE/vae_fmnist.py" "$@" 1 2>&1 | grep -o "'median_ms': [0-9.]*" | head -1; }
KERNELS="${KERNELS:-default vector}"
case "${ENVS:-both}" in
  machine) ENV_LIST=("") ;;
  plain) ENV_LIST=("-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE") ;;
  *) ENV_LIST=("" "-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE") ;;
esac
for envs in "${ENV_LIST[@]}"; do
  echo "=== env [$envs] load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
  echo "VAE hand torch  $(env $envs bash -c "HERE=$HERE; $(declare -f vae_py); vae_py torch")"
  echo "VAE pyro        $(env $envs bash -c "HERE=$HERE; $(declare -f vae_py); vae_py pyro --novalidate")"
  for k in $KERNELS; do
    if [ "$k" = vector ]; then
      echo "ppl4j PPL_KERNELS=vector:"; (cd "$PPL" && env $envs PPL_KERNELS=vector ./ppl bench --only vae 2>&1 | grep -E '^\| VAE step' | head -2)
    else
      echo "ppl4j default:"; (cd "$PPL" && env $envs ./ppl bench --only vae 2>&1 | grep -E '^\| VAE step' | head -2)
    fi
  done
  echo "VAE hand torch  $(env $envs bash -c "HERE=$HERE; $(declare -f vae_py); vae_py torch")"
  echo "VAE pyro        $(env $envs bash -c "HERE=$HERE; $(declare -f vae_py); vae_py pyro --novalidate")"
  echo "=== load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
done
