"""Times Pyro's GMM estimators as ../shared/peers/gmm_discrete.py does (its train(): median ms a step after 50
warm-up steps, one thread, validation on as there), without its gradient-variance part, so that the rows can be
run in turns with ppl4j's (bench/scripts/gmm_side_by_side.sh).

Usage: /usr/bin/python3 bench/scripts/pyro_gmm_steps.py PEERS_SCRIPTS_DIR [steps [estimator...]]
"""
import os
import sys

sys.path.insert(0, os.path.abspath(sys.argv[1]))
import gmm_discrete as g  # noqa: E402
import pyro  # noqa: E402

steps = int(sys.argv[2]) if len(sys.argv) > 2 else 500
names = sys.argv[3:] or list(g.ESTIMATORS)
g.setup_threads()
pyro.enable_validation(True)
data = g.get_data()
for name in names:
    r, _ = g.train(name, data, steps)
    print("pyro %s median_ms %.3f" % (name, r["step_time"]["median_ms"]), flush=True)
