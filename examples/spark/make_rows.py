"""Writes rows.csv, the data of lr.ppl: 4,000 rows of a logistic regression, y ~ Bernoulli(logit^-1(b0 + b1 x1 + b2 x2))
with b0 = -0.5, b1 = 1.5, b2 = -1.0 and x1, x2 ~ Normal(0, 1). Python's own generator, seed 16: run
`python3 examples/spark/make_rows.py` from the repository root to write the same file again."""
import math
import random

rng = random.Random(16)
with open("examples/spark/rows.csv", "w") as f:
    f.write("x1,x2,y\n")
    for _ in range(4000):
        x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
        p = 1 / (1 + math.exp(-(-0.5 + 1.5 * x1 - 1.0 * x2)))
        f.write("%.4f,%.4f,%d\n" % (x1, x2, 1 if rng.random() < p else 0))
