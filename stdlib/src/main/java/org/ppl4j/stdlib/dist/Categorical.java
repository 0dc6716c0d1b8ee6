package org.ppl4j.stdlib.dist;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * A category index in {0, ..., K-1}, given either a vector of K non-negative {@code probs} (normalised by their
 * sum, which must be positive) or a vector of K {@code logits} (probabilities proportional to exp(logits); -inf
 * is allowed for impossible categories). A tensor x is a set of independent draws; its log density is the sum.
 */
public final class Categorical implements Distribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("categorical", List.of("probs", "logits"), 0, false, true, true);

    private static final Params.Requirement NON_NEGATIVE =
            new Params.Requirement("a non-negative finite number", x -> x >= 0 && x < Double.POSITIVE_INFINITY);
    private static final Params.Requirement LOGIT =
            new Params.Requirement("a number below +infinity (-infinity allowed, NaN not)",
                    x -> x < Double.POSITIVE_INFINITY);

    private final Object param;
    private final boolean fromLogits;
    /** The normalised probabilities (primal), for sampling and moments. */
    private final double[] probs;
    private final Support support;
    private final List<Object> values;

    private Categorical(String name, Object value, boolean fromLogits) {
        Object v = Params.coerce(FAMILY.name(), name, value);
        if (!AD.isTensor(v) || AD.tensorValue(v).rank() != 1 || AD.tensorValue(v).size() == 0) {
            throw new IllegalArgumentException(FAMILY.name() + ": argument '" + name
                    + "' must be a non-empty vector, got " + AD.describe(v));
        }
        this.param = Params.checked(FAMILY.name(), name, v, fromLogits ? LOGIT : NON_NEGATIVE);
        this.fromLogits = fromLogits;
        double[] w = Params.primals(v);
        if (fromLogits) {
            double max = max(w);
            if (max == Double.NEGATIVE_INFINITY) {
                throw new DistributionArgumentException(FAMILY.name(), name, "finite in at least one element", max);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.exp(w[i] - max);
            }
        }
        double total = 0;
        for (double x : w) {
            total += x;
        }
        if (!(total > 0 && total < Double.POSITIVE_INFINITY)) {
            throw new DistributionArgumentException(FAMILY.name(), name, "a vector with a positive finite sum", total);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= total;
        }
        this.probs = w;
        this.support = Support.integerRange(0, w.length);
        List<Object> vs = new ArrayList<>(w.length);
        for (int k = 0; k < w.length; k++) {
            vs.add((double) k);
        }
        this.values = Collections.unmodifiableList(vs);
    }

    /** Categorical with probabilities proportional to the non-negative vector {@code probs}. */
    public static Categorical ofProbabilities(Object probs) {
        return new Categorical("probs", probs, false);
    }

    /** Categorical with probabilities softmax(logits). */
    public static Categorical ofLogits(Object logits) {
        return new Categorical("logits", logits, true);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: probs, logits; exactly one must be given. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return Params.exactlyOne(FAMILY, a) == 0 ? ofProbabilities(a[0]) : ofLogits(a[1]);
    }

    /** The parameter as given (probs or logits, possibly tracked). */
    public Object parameter() {
        return param;
    }

    public boolean isLogitParameterized() {
        return fromLogits;
    }

    /** The number of categories K. */
    public int size() {
        return probs.length;
    }

    @Override
    public DistributionFamily family() {
        return FAMILY;
    }

    /** Inverse CDF on the normalised probabilities; never returns a category of probability zero. */
    @Override
    public Object sample(Rng rng) {
        double u = rng.nextDouble();
        double acc = 0;
        int last = 0;
        for (int k = 0; k < probs.length; k++) {
            if (probs[k] > 0) {
                acc += probs[k];
                last = k;
                if (u < acc) {
                    return (double) k;
                }
            }
        }
        return (double) last; // u beyond the rounded total
    }

    /**
     * log p(x) = log probs[x] - log sum(probs), or logits[x] - logsumexp(logits). Over a tensor of indices the
     * terms are grouped by category, so the normaliser is computed once.
     */
    @Override
    public Object logDensity(Object x) {
        double[] xs = Params.primals(AD.value(Params.coerce(FAMILY.name(), "x", x)));
        int[] counts = new int[probs.length];
        for (double v : xs) {
            if (!support.contains(v)) {
                return Double.NEGATIVE_INFINITY;
            }
            counts[(int) v]++;
        }
        Object total = AD.mul(-(double) xs.length, fromLogits ? logSumExp(param) : AD.log(AD.sum(param)));
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                Object term = AD.index(param, k);
                term = fromLogits ? term : AD.log(term);
                total = AD.add(total, counts[k] == 1 ? term : AD.mul((double) counts[k], term));
            }
        }
        return total;
    }

    /** log sum exp(v), shifted by the (constant) primal maximum so nothing overflows. */
    private static Object logSumExp(Object v) {
        double m = max(Params.primals(v));
        return AD.add(m, AD.log(AD.sum(AD.exp(AD.sub(v, m)))));
    }

    private static double max(double[] w) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : w) {
            m = Math.max(m, x);
        }
        return m;
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    public List<Object> enumerateSupport() {
        return values;
    }

    @Override
    public double mean() {
        double m = 0;
        for (int k = 0; k < probs.length; k++) {
            m += k * probs[k];
        }
        return m;
    }

    @Override
    public double variance() {
        double m = mean();
        double v = 0;
        for (int k = 0; k < probs.length; k++) {
            v += (k - m) * (k - m) * probs[k];
        }
        return v;
    }

    @Override
    public String toString() {
        return FAMILY.name() + "(" + (fromLogits ? "logits" : "probs") + "=" + AD.describe(param) + ")";
    }
}
