package org.ppl4j.stdlib.dist;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * The number of successes in {@code n} independent trials (n a whole number, a count with no gradient), each a
 * success with probability {@code p} in [0, 1] or sigmoid({@code logits}); exactly one of p and logits is given.
 */
public final class Binomial extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY = new DistributionFamily("binomial", List.of("n", "p", "logits"), 1,
            Set.of(Capability.DISCRETE, Capability.ENUMERABLE));

    private static final Params.Requirement COUNT = new Params.Requirement("a whole number (0, 1, 2, ...)",
            x -> x >= 0 && x == Math.rint(x) && x < Double.POSITIVE_INFINITY);
    /** Above this many trials the sampler splits the trials with a beta order statistic (Knuth's method). */
    private static final long DIRECT_TRIALS = 64;

    private final boolean fromLogits;
    private final Support support;

    private Binomial(Object n, String name, Object value, boolean fromLogits) {
        super(FAMILY, List.of("n", name), n, value);
        this.fromLogits = fromLogits;
        double maxN = Arrays.stream(Params.primals(n)).max().getAsDouble();
        // for a tensor n, the hull of the elements' ranges (each element is checked on its own)
        this.support = new Support("{0, 1, ..., " + (long) maxN + "}",
                x -> x >= 0 && x <= maxN && x == Math.rint(x), true);
    }

    private static Object count(Object n) {
        return AD.detach(Params.checked(FAMILY.name(), "n", n, COUNT));
    }

    /** Binomial with n trials of success probability p. */
    public static Binomial ofProbability(Object n, Object p) {
        return new Binomial(count(n), "p", Params.checked(FAMILY.name(), "p", p, Params.PROBABILITY), false);
    }

    /** Binomial with n trials of success probability sigmoid(logits); infinite logits are allowed. */
    public static Binomial ofLogits(Object n, Object logits) {
        return new Binomial(count(n), "logits", Params.checked(FAMILY.name(), "logits", logits, Params.NOT_NAN), true);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: n, then exactly one of p and logits. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return Params.exactlyOne(FAMILY, a, 1) == 1 ? ofProbability(a[0], a[1]) : ofLogits(a[0], a[2]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return fromLogits ? ofLogits(p[0], p[1]) : ofProbability(p[0], p[1]);
    }

    public boolean isLogitParameterized() {
        return fromLogits;
    }

    /** The number of trials (never tracked). */
    public Object n() {
        return param(0);
    }

    /** The success probability: the parameter given, or sigmoid of the logits. */
    public Object p() {
        return fromLogits ? AD.sigmoid(param(1)) : param(1);
    }

    /** log C(n, x) + x log p + (n - x) log(1 - p); x is a constant count. */
    @Override
    Object elementLogDensity(Object x) {
        Object n = n();
        Object nMinusX = AD.sub(n, x);
        Object logChoose = AD.sub(AD.lgamma(AD.add(n, 1.0)),
                AD.add(AD.lgamma(AD.add(x, 1.0)), AD.lgamma(AD.add(nMinusX, 1.0))));
        return AD.add(logChoose, Bernoulli.logLikelihood(x, nMinusX, param(1), fromLogits));
    }

    @Override
    boolean supportDependsOnParameters() {
        return true;
    }

    @Override
    boolean containsElement(double x, double[] p) {
        return x >= 0 && x <= p[0] && x == Math.rint(x);
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return sample(rng, (long) p[0], Bernoulli.probability(p[1], fromLogits));
    }

    /**
     * Exact for any n: while n is large, the a-th smallest of the n uniforms (a = 1 + n / 2) is X ~ beta(a, n + 1 - a);
     * if X >= p, the successes are the a - 1 uniforms below X that fall below p, binomial(a - 1, p / X); otherwise
     * they are a plus binomial(n - a, (p - X) / (1 - X)) among those above X (Knuth, TAOCP 3.4.1). Then n direct
     * trials. O(log n + 64) draws.
     */
    private static double sample(Rng rng, long n, double p) {
        long successes = 0;
        while (n > DIRECT_TRIALS) {
            long a = 1 + n / 2;
            long b = n + 1 - a;
            double ga = rng.nextGamma(a);
            double x = ga / (ga + rng.nextGamma(b));
            if (x >= p) {
                n = a - 1;
                p = p / x;
            } else {
                successes += a;
                n = b - 1;
                p = (p - x) / (1 - x);
            }
        }
        for (long i = 0; i < n; i++) {
            if (rng.nextDouble() < p) {
                successes++;
            }
        }
        return successes;
    }

    @Override
    public Support support() {
        return support;
    }

    /**
     * For a tensor-valued binomial whose elements share one n: 0, 1, ..., n (enum builds the joint values from
     * them); null where the elements' n differ (their supports differ, so there is no common one to run through).
     */
    @Override
    public double[] elementSupport() {
        if (!isTensorValued()) {
            return null;
        }
        double[] ns = Params.primals(param(0));
        for (double n : ns) {
            if (n != ns[0]) {
                return null;
            }
        }
        if (ns[0] >= Integer.MAX_VALUE) {
            return null;
        }
        double[] values = new double[(int) ns[0] + 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return values;
    }

    /**
     * 0.0, 1.0, ..., n (a view; nothing is stored); for a tensor-valued binomial see {@link #elementSupport}.
     */
    @Override
    public List<Object> enumerateSupport() {
        double n = scalarParams("enumerateSupport")[0];
        if (n >= Integer.MAX_VALUE) {
            throw new UnsupportedOperationException(FAMILY.name() + ": n = " + (long) n + " is too large to enumerate");
        }
        int size = (int) n + 1;
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                if (index < 0 || index >= size) {
                    throw new IndexOutOfBoundsException("index " + index + " of a support of size " + size);
                }
                return (double) index;
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    double meanElement(double[] p) {
        return p[0] * Bernoulli.probability(p[1], fromLogits);
    }

    @Override
    double varianceElement(double[] p) {
        double q = Bernoulli.probability(p[1], fromLogits);
        return p[0] * q * (1 - q);
    }
}
