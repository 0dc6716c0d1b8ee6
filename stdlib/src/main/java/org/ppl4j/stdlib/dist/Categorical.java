package org.ppl4j.stdlib.dist;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * A category index in {0, ..., K-1}, given either a vector of K non-negative {@code probs} (normalised by their
 * sum, which must be positive) or a vector of K {@code logits} (probabilities proportional to exp(logits); -inf
 * is allowed for impossible categories). A tensor x is a set of independent draws (indices); its log density is
 * the sum. The one exception is a tracked ({@link TensorVar}) vector of length K on the simplex, which
 * {@link #logDensity} reads as the one-hot or relaxed value that {@link #straightThrough} and
 * {@link #relaxedSample} produce (sum_k y_k log pi_k): gradient strategies hand such values on. An untracked
 * one-hot vector is read as indices; give it to {@link #relaxedLogDensity} to have it read as one-hot.
 */
public final class Categorical implements Distribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("categorical", List.of("probs", "logits"), 0, Set.of(Capability.DISCRETE,
                    Capability.ENUMERABLE, Capability.MEASURE_VALUED, Capability.STRAIGHT_THROUGH,
                    Capability.RELAXABLE));

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
        this.param = Params.vector(FAMILY.name(), name, value, fromLogits ? LOGIT : NON_NEGATIVE);
        this.fromLogits = fromLogits;
        double[] w = Params.primals(param);
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

    /**
     * How far from 1 the sum of {@code probs} written in a program may be: rounding in the user's arithmetic, not
     * weights. {@code categorical([0.5, 0.6])} is a mistake more often than a wish to normalise, so the language
     * says so; weights are given as {@code probs: w / sum(w)} or {@code logits: log(w)}.
     */
    static final double PROBS_SUM_TOLERANCE = 1e-6;

    /**
     * {@code args} aligned with {@code FAMILY.parameters()}: probs, logits; exactly one must be given. This is the
     * language's {@code categorical}: its probs must sum to 1 (within {@link #PROBS_SUM_TOLERANCE});
     * {@link #ofProbabilities} normalises any non-negative weights.
     */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        if (Params.exactlyOne(FAMILY, a) == 1) {
            return ofLogits(a[1]);
        }
        Categorical c = ofProbabilities(a[0]);
        double total = 0;
        for (double x : Params.primals(c.param)) {
            total += x;
        }
        if (Math.abs(total - 1) > PROBS_SUM_TOLERANCE) {
            throw new IllegalArgumentException("categorical: argument 'probs' must sum to 1, got a sum of "
                    + Params.describeSum(total) + "; for weights give probs: w / sum(w) or logits: log(w)");
        }
        return c;
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

    /** The normalised probabilities, a vector of length K: probs / sum(probs), or softmax(logits); tracked. */
    public Object probabilities() {
        return fromLogits ? AD.exp(logProbabilities()) : AD.div(param, AD.sum(param));
    }

    /** log of the normalised probabilities: log probs - log sum(probs), or logits - logsumexp(logits). */
    private Object logProbabilities() {
        return fromLogits ? AD.sub(param, logSumExp(param)) : AD.sub(AD.log(param), AD.log(AD.sum(param)));
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
     * terms are grouped by category, so the normaliser is computed once. A one-hot or relaxed value (see the class
     * comment) goes to {@link #relaxedLogDensity}. The result depends on a tracked x's random choice, without a
     * gradient path to it.
     */
    @Override
    public Object logDensity(Object x) {
        Object value = Params.coerce(FAMILY.name(), "x", x);
        if (isRelaxedValue(value)) {
            return relaxedLogDensity(value);
        }
        double[] xs = Params.primals(value);
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
        return AD.dependsOn(total, value);
    }

    /** A tracked vector of length K on the simplex: a straight-through (one-hot) or relaxed value. */
    private boolean isRelaxedValue(Object x) {
        return x instanceof TensorVar t && t.value.rank() == 1 && t.value.size() == probs.length
                && Params.onSimplex(t.value.toArray());
    }

    /** The category index of a scalar value in the support ({@code what} names the operation in messages). */
    private int category(Object x, String what) {
        Object v = AD.value(Params.coerce(FAMILY.name(), "x", x));
        if (!(v instanceof Double d)) {
            throw new UnsupportedOperationException(FAMILY.name() + ": " + what + " of a tensor of indices ("
                    + AD.describe(v) + ") is not supported; only a single index is");
        }
        if (!support.contains(d)) {
            throw new IllegalArgumentException(FAMILY.name() + ": " + what + " needs an index in " + support
                    + ", got " + d);
        }
        return (int) (double) d;
    }

    /**
     * K terms, one per category k: parameter pi_k (element k of the normalised probabilities), c = 1, x+ = k,
     * x- = x. Their surrogate sum_k stop(f(k) - f(x)) (pi_k - stop pi_k) has the exact gradient of E[f], since
     * the pi_k sum to 1.
     */
    @Override
    public List<WeakDerivative> weakDerivatives(Object x, Rng aux) {
        double k = category(x, "weakDerivatives");
        Object pi = probabilities();
        List<WeakDerivative> terms = new ArrayList<>(probs.length);
        for (int j = 0; j < probs.length; j++) {
            terms.add(new WeakDerivative(AD.index(pi, j), 1.0, (double) j, k));
        }
        return terms;
    }

    /** one-hot(h) + pi - stop(pi), a vector of length K: the value is exactly the one-hot vector. */
    @Override
    public Object straightThrough(Object hardSample) {
        double[] oneHot = new double[probs.length];
        oneHot[category(hardSample, "straightThrough")] = 1;
        Object pi = probabilities();
        Object hard = AD.dependsOn(new Tensor(new int[] {oneHot.length}, oneHot), hardSample);
        return AD.add(hard, AD.sub(pi, AD.detach(pi)));
    }

    /**
     * The Gumbel-softmax sample softmax((log pi + g) / temperature), g_k = -log(-log U_k), one U per category in
     * order; logits stand in for log pi (they differ by a constant, which the softmax ignores). A point of the
     * simplex, differentiable in the parameter.
     */
    @Override
    public Object relaxedSample(Rng rng, double temperature) {
        Params.checkTemperature(FAMILY.name(), temperature);
        double[] g = new double[probs.length];
        for (int k = 0; k < g.length; k++) {
            g[k] = -Math.log(-Math.log(rng.nextOpenDouble()));
        }
        Object scores = fromLogits ? param : AD.log(param);
        return softmax(AD.div(AD.add(scores, Tensor.vector(g)), temperature));
    }

    /**
     * sum_k y_k log pi_k for y a vector of length K on the simplex (-infinity off it; 0 log 0 = 0), differentiable
     * in y and the parameter; a scalar index gives {@link #logDensity}. At a one-hot y it equals the log density
     * of that category.
     */
    @Override
    public Object relaxedLogDensity(Object y) {
        Object v = Params.coerce(FAMILY.name(), "y", y);
        if (!AD.isTensor(v)) {
            return logDensity(v);
        }
        int[] shape = AD.tensorValue(v).shape();
        if (shape.length != 1 || shape[0] != probs.length) {
            throw new ShapeException(FAMILY.name() + ": a relaxed value must be a vector of length " + probs.length
                    + ", got " + AD.describe(v));
        }
        if (!Params.onSimplex(Params.primals(v))) {
            return Double.NEGATIVE_INFINITY;
        }
        return AD.sum(Params.xmul(v, logProbabilities()));
    }

    @Override
    public Distribution detachParameters() {
        return new Categorical(fromLogits ? "logits" : "probs", AD.detach(param), fromLogits);
    }

    /** exp(v) / sum exp(v), shifted by the (constant) primal maximum so nothing overflows. */
    private static Object softmax(Object v) {
        Object e = AD.exp(AD.sub(v, max(Params.primals(v))));
        return AD.div(e, AD.sum(e));
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
