package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * The Dirichlet distribution on the probability simplex of dimension K, given a vector of K positive
 * {@code concentration} parameters. Values are vectors of length K with elements in [0, 1] summing to 1.
 */
public final class Dirichlet extends VectorDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("dirichlet", List.of("concentration"), 1, Set.of());

    /** Elementwise, the simplex's elements lie in [0, 1]; {@link #logDensity} also checks their sum. */
    private static final Support SIMPLEX = new Support("the probability simplex", x -> x >= 0 && x <= 1, false);

    private final Object concentration;
    private final double[] alpha;

    public Dirichlet(Object concentration) {
        super(FAMILY);
        this.concentration = Params.vector(FAMILY.name(), "concentration", concentration, Params.CONCENTRATION);
        this.alpha = Params.primals(this.concentration);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: concentration. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Dirichlet(a[0]);
    }

    public Object concentration() {
        return concentration;
    }

    @Override
    public int dimension() {
        return alpha.length;
    }

    /** Gamma(alpha_k) draws divided by their sum. */
    @Override
    public Object sample(Rng rng) {
        double[] g = new double[alpha.length];
        double total = 0;
        for (int k = 0; k < g.length; k++) {
            g[k] = rng.nextGamma(alpha[k]);
            total += g[k];
        }
        if (total == 0) {
            // every draw underflowed (tiny concentrations): the mass sits at the corners, k with probability
            // alpha_k / sum(alpha)
            g[corner(rng)] = 1;
            total = 1;
        }
        for (int k = 0; k < g.length; k++) {
            g[k] /= total;
        }
        return new Tensor(new int[] {g.length}, g);
    }

    private int corner(Rng rng) {
        double u = rng.nextDouble() * total();
        for (int k = 0; k < alpha.length - 1; k++) {
            u -= alpha[k];
            if (u < 0) {
                return k;
            }
        }
        return alpha.length - 1;
    }

    /**
     * lgamma(sum alpha) - sum lgamma(alpha) + sum (alpha - 1) log x, differentiable in the concentration and x;
     * -infinity for x off the simplex (an element outside [0, 1], or a sum further than 1e-9 from 1).
     */
    @Override
    public Object logDensity(Object x) {
        Object v = event(x);
        if (!Params.onSimplex(Params.primals(v))) {
            return Double.NEGATIVE_INFINITY;
        }
        Object a = concentration;
        Object logNorm = AD.sub(AD.lgamma(AD.sum(a)), AD.sum(AD.lgamma(a)));
        return AD.add(logNorm, AD.sum(Params.xlogy(AD.sub(a, 1.0), v)));
    }

    @Override
    public Support support() {
        return SIMPLEX;
    }

    @Override
    public Distribution detachParameters() {
        return new Dirichlet(AD.detach(concentration));
    }

    private double total() {
        double s = 0;
        for (double a : alpha) {
            s += a;
        }
        return s;
    }

    /** alpha / sum(alpha). */
    @Override
    public Tensor meanVector() {
        double a0 = total();
        return Tensor.vector(alpha).map(a -> a / a0);
    }

    /** alpha (a0 - alpha) / (a0^2 (a0 + 1)), a0 = sum(alpha). */
    @Override
    public Tensor varianceVector() {
        double a0 = total();
        return Tensor.vector(alpha).map(a -> a * (a0 - a) / (a0 * a0 * (a0 + 1)));
    }

    @Override
    public String toString() {
        return FAMILY.name() + "(concentration=" + AD.describe(concentration) + ")";
    }
}
