package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.stdlib.dist.Normal;

/**
 * Item 3: path (sticking the landing). q = normal(mu, exp(log_sigma)), target p = normal(1, 2), objective
 * log p(x) - log q(x) with log q evaluated on the detached parameters when the run says the site is a path site
 * (what the path strategy demands of every density of its own site).
 *
 * <p>At the optimum mu = 1, log_sigma = log 2, q = p and every path estimate is 0 (|g| <= 1e-12, N = 2,000,
 * seed 20261128). Reparam there is g = (-eps / 2, 1 - eps^2), eps the standard normal draw, so its exact variances
 * are 1/4 (d/dmu) and 2 (d/dlog_sigma): the sample variances of N = 20,000 estimates (seed 20261129) must be within
 * 5 standard errors of them, and the means within 5 SE of 0. Away from the optimum (mu = 0, log_sigma = 0) both are
 * unbiased for the ELBO gradient (1/4, 3/4) (N = 20,000, seed 20261130) with their exact variances (derived below):
 * path's advantage is at the optimum only.
 */
class PathTest {
    static final double LOG_2 = Math.log(2);

    /** One estimate of (d/dmu, d/dlog_sigma) of E_q[log p(x) - log q(x)]. */
    static double[] estimate(GradientStrategy s, double mu, double logSigma, Rng rng) {
        Tape tape = new Tape();
        Var m = tape.leaf(mu);
        Var ls = tape.leaf(logSigma);
        Distribution q = new Normal(m, AD.exp(ls));
        Distribution p = new Normal(1.0, 2.0);
        SurrogateBuilder.Result r = Harness.estimator(run -> {
            Object x = s.sample(q, Harness.SITE, run);
            Distribution own = run.isPath(Harness.SITE.owner(), Harness.SITE.address()) ? q.detachParameters() : q;
            return AD.sub(p.logDensity(x), own.logDensity(x));
        }, new BaselineStore(), true).estimate(null, tape, rng);
        tape.backward(r.surrogate());
        return new double[] {m.adjoint(), ls.adjoint()};
    }

    static double[][] estimates(GradientStrategy s, double mu, double logSigma, int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) {
            g[i] = estimate(s, mu, logSigma, rng);
        }
        return g;
    }

    @Test
    void pathHasZeroVarianceAtTheOptimum() {
        for (double[] g : estimates(Path.INSTANCE, 1, LOG_2, Harness.n(2_000), 20261128L)) {
            assertTrue(Math.abs(g[0]) <= 1e-12 && Math.abs(g[1]) <= 1e-12, "path estimate " + Harness.fmt(g));
        }
    }

    @Test
    void reparamHasItsExactVarianceAtTheOptimum() {
        Harness.Stats s = Harness.assertUnbiased("reparam at the optimum",
                estimates(Reparam.INSTANCE, 1, LOG_2, Harness.n(20_000), 20261129L), new double[] {0, 0});
        Harness.assertVariance("reparam d/dmu at the optimum", s, 0, 0.25);
        Harness.assertVariance("reparam d/dlog_sigma at the optimum", s, 1, 2.0);
        Report.line("path", "at the optimum, N=%d: reparam variance %s (exact [0.25, 2]); path: every estimate 0",
                Harness.n(20_000), Harness.fmt(s.variance()));
    }

    @Test
    void bothAreUnbiasedAwayFromTheOptimumWithTheirExactVariances() {
        // ELBO = -((mu - 1)^2 + sigma^2) / 8 + log sigma + c: gradient (-(mu - 1) / 4, 1 - sigma^2 / 4) = (1/4, 3/4) at
        // (0, 0), where x = eps. Reparam: g = (-(eps - 1) / 4, 1 - (eps^2 - eps) / 4), variances (1/16, 3/16). Path
        // drops the score of log q but keeps its x-derivative eps: g = (3 eps / 4 + 1/4, 3 eps^2 / 4 + eps / 4),
        // variances (9/16, 19/16): away from the optimum path can be the noisier one.
        double[] truth = {0.25, 0.75};
        int n = Harness.n(20_000);
        Harness.Stats path = Harness.assertUnbiased("path at (0, 0)", estimates(Path.INSTANCE, 0, 0, n, 20261130L),
                truth);
        Harness.assertVariance("path d/dmu at (0, 0)", path, 0, 9.0 / 16);
        Harness.assertVariance("path d/dlog_sigma at (0, 0)", path, 1, 19.0 / 16);
        Harness.Stats reparam = Harness.assertUnbiased("reparam at (0, 0)",
                estimates(Reparam.INSTANCE, 0, 0, n, 20261130L), truth);
        Harness.assertVariance("reparam d/dmu at (0, 0)", reparam, 0, 1.0 / 16);
        Harness.assertVariance("reparam d/dlog_sigma at (0, 0)", reparam, 1, 3.0 / 16);
        Report.line("path", "away from the optimum (mu=0, log_sigma=0), N=%d: path variance %s, reparam variance %s",
                n, Harness.fmt(path.variance()), Harness.fmt(reparam.variance()));
    }
}
