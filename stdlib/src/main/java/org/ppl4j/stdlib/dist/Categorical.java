package org.ppl4j.stdlib.dist;

import java.util.ArrayList;
import java.util.Arrays;
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
 * the sum. The one exception is a tracked ({@link TensorVar}) tensor whose last axis has length K and whose rows
 * lie on the simplex, which {@link #logDensity} reads as the one-hot or relaxed values that
 * {@link #straightThrough} and {@link #relaxedSample} produce (sum_k y_k log pi_k): gradient strategies hand such
 * values on. An untracked one-hot vector is read as indices; give it to {@link #relaxedLogDensity} to have it read
 * as one-hot.
 *
 * <p>Parameters of shape [..., K] (rank 2 or more) make a tensor-valued categorical: one independent draw per row,
 * a draw of shape [...] (an amortised classifier's [B, K] logits give B labels). Its elements share the support
 * {0, ..., K-1} ({@link #elementSupport}), so enum on it runs K values for all independent elements together.
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
    /**
     * The normalised probabilities (primal), for sampling and moments: K of them for a vector parameter, one row
     * of K per draw (row-major) for a tensor-valued categorical.
     */
    private final double[] probs;
    /** The number of categories K. */
    private final int k;
    /** The shape of a draw, [...] for parameters [..., K]; null for a vector parameter (a scalar draw). */
    private final int[] batch;
    private final Support support;
    private final List<Object> values;

    private Categorical(String name, Object value, boolean fromLogits) {
        this.param = parameter(name, value, fromLogits ? LOGIT : NON_NEGATIVE);
        this.fromLogits = fromLogits;
        int[] shape = AD.tensorValue(param).shape();
        this.k = shape[shape.length - 1];
        this.batch = shape.length == 1 ? null : Arrays.copyOf(shape, shape.length - 1);
        double[] w = Params.primals(param);
        for (int row = 0; row < w.length; row += k) {
            normaliseRow(w, row, name);
        }
        this.probs = w;
        this.support = Support.integerRange(0, k);
        List<Object> vs = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            vs.add((double) c);
        }
        this.values = Collections.unmodifiableList(vs);
    }

    /** A vector of K, or a tensor [..., K] of rows of K (K at least 1), each element meeting the requirement. */
    private static Object parameter(String name, Object value, Params.Requirement requirement) {
        Object v = Params.coerce(FAMILY.name(), name, value);
        if (AD.isTensor(v) && AD.tensorValue(v).rank() >= 2 && AD.tensorValue(v).size() > 0) {
            return Params.checked(FAMILY.name(), name, v, requirement);
        }
        return Params.vector(FAMILY.name(), name, v, requirement);
    }

    /** Turns w[row .. row + K) into probabilities: exp(logits - max) or weights, divided by their sum. */
    private void normaliseRow(double[] w, int row, String name) {
        if (fromLogits) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = row; i < row + k; i++) {
                max = Math.max(max, w[i]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                throw new DistributionArgumentException(FAMILY.name(), name, "finite in at least one element"
                        + (batch == null ? "" : " of every row"), max);
            }
            for (int i = row; i < row + k; i++) {
                w[i] = Math.exp(w[i] - max);
            }
        }
        double total = 0;
        for (int i = row; i < row + k; i++) {
            total += w[i];
        }
        if (!(total > 0 && total < Double.POSITIVE_INFINITY)) {
            throw new DistributionArgumentException(FAMILY.name(), name, batch == null
                    ? "a vector with a positive finite sum" : "a tensor whose every row has a positive finite sum",
                    total);
        }
        for (int i = row; i < row + k; i++) {
            w[i] /= total;
        }
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
        double[] w = Params.primals(c.param);
        for (int row = 0; row < w.length; row += c.k) {
            double total = 0;
            for (int i = row; i < row + c.k; i++) {
                total += w[i];
            }
            if (Math.abs(total - 1) > PROBS_SUM_TOLERANCE) {
                throw new IllegalArgumentException("categorical: argument 'probs' must sum to 1"
                        + (c.batch == null ? "" : " along its last axis") + ", got a sum of "
                        + Params.describeSum(total) + (c.batch == null ? "" : " in row " + row / c.k)
                        + "; for weights give probs: w / sum(w) or logits: log(w)");
            }
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
        return k;
    }

    /**
     * The normalised probabilities, a vector of length K (rows of K for a tensor-valued categorical): probs /
     * sum(probs), or softmax(logits); tracked.
     */
    public Object probabilities() {
        if (batch != null) {
            return AD.exp(logProbabilities());
        }
        return fromLogits ? AD.exp(logProbabilities()) : AD.div(param, AD.sum(param));
    }

    /**
     * log of the normalised probabilities: log probs - log sum(probs), or logits - logsumexp(logits), along the
     * last axis.
     */
    private Object logProbabilities() {
        if (batch != null) {
            int last = batch.length;
            return fromLogits ? AD.sub(param, logSumExpRows(param))
                    : AD.sub(AD.log(param), AD.log(AD.sumAxis(param, last, true)));
        }
        return fromLogits ? AD.sub(param, logSumExp(param)) : AD.sub(AD.log(param), AD.log(AD.sum(param)));
    }

    /** log sum exp along the last axis, kept with size 1, shifted by the (constant) primal row maxima. */
    private static Object logSumExpRows(Object v) {
        int last = AD.tensorValue(v).rank() - 1;
        Tensor m = AD.maxAxisValue(v, last);
        double[] shift = m.toArray();
        for (int i = 0; i < shift.length; i++) {
            shift[i] = shift[i] == Double.NEGATIVE_INFINITY ? 0 : shift[i];
        }
        Tensor safe = new Tensor(m.shape(), shift);
        return AD.add(safe, AD.log(AD.sumAxis(AD.exp(AD.sub(v, safe)), last, true)));
    }

    /** The shape of a draw: [...] for parameters [..., K]; null for a vector parameter (one index). */
    @Override
    public int[] drawShape() {
        return batch == null ? null : batch.clone();
    }

    /** Every element of a tensor-valued categorical is one of 0, ..., K-1 (enum builds the joint values). */
    @Override
    public double[] elementSupport() {
        if (batch == null) {
            return null;
        }
        double[] s = new double[k];
        for (int c = 0; c < k; c++) {
            s[c] = c;
        }
        return s;
    }

    @Override
    public DistributionFamily family() {
        return FAMILY;
    }

    /**
     * Inverse CDF on the normalised probabilities, one uniform per draw (row by row for a tensor-valued
     * categorical); never returns a category of probability zero.
     */
    @Override
    public Object sample(Rng rng) {
        if (batch == null) {
            return (double) sampleRow(0, rng);
        }
        double[] d = new double[probs.length / k];
        for (int i = 0; i < d.length; i++) {
            d[i] = sampleRow(i * k, rng);
        }
        return new Tensor(batch, d);
    }

    private int sampleRow(int row, Rng rng) {
        double u = rng.nextDouble();
        double acc = 0;
        int last = 0;
        for (int c = 0; c < k; c++) {
            double p = probs[row + c];
            if (p > 0) {
                acc += p;
                last = c;
                if (u < acc) {
                    return c;
                }
            }
        }
        return last; // u beyond the rounded total
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
        if (batch != null || AD.isTensor(value) && AD.isTracked(value)) {
            // a random choice's tensor value: the sum of per-draw terms, so that its independent draws stay apart
            Object lp = perDraw(value);
            return lp == null ? Double.NEGATIVE_INFINITY : AD.sum(lp);
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

    /**
     * The log density of each draw of {@code x} (indices, broadcast against the parameters' rows): a tensor of the
     * broadcast shape of x and the draw shape, depending on x element for element; null when an index is outside
     * the support. The log probabilities are picked by a constant one-hot mask, as sum_k [x = k] log pi_k.
     */
    private Object perDraw(Object x) {
        double[] xs = Params.primals(x);
        for (double v : xs) {
            if (!support.contains(v)) {
                return null;
            }
        }
        int[] xShape = Params.shape(x);
        int[] shape = Tensor.broadcastShape(xShape == null ? new int[0] : xShape, batch == null ? new int[0] : batch);
        int n = Tensor.numel(shape);
        Tensor indices = AD.isTensor(x) ? AD.tensorValue(AD.value(x)).broadcastTo(shape)
                : new Tensor(shape, filled(n, xs[0]));
        double[] ix = indices.toArray();
        double[] mask = new double[n * k];
        for (int i = 0; i < n; i++) {
            mask[i * k + (int) ix[i]] = 1;
        }
        int[] masked = Arrays.copyOf(shape, shape.length + 1);
        masked[shape.length] = k;
        Object picked = AD.sumAxis(Params.xmul(new Tensor(masked, mask), logProbabilities()), shape.length, false);
        return AD.dependsOn(picked, x);
    }

    private static double[] filled(int n, double v) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    /**
     * For a value whose leading {@code axes} axes hold independent elements: the log density of each element, the
     * draws' (or a relaxed value's rows') log densities summed over the later axes; null where the value has fewer
     * axes or an index is outside the support.
     */
    @Override
    public Object logDensityPerElement(Object x, int axes) {
        Object value = Params.coerce(FAMILY.name(), "x", x);
        Object lp;
        if (isRelaxedValue(value)) {
            int[] shape = AD.tensorValue(value).shape();
            lp = AD.sumAxis(Params.xmul(value, logProbabilities()), shape.length - 1, false);
        } else {
            lp = perDraw(value);
        }
        if (lp == null || axes < 1 || !AD.isTensor(lp) || AD.tensorValue(lp).rank() < axes) {
            return null;
        }
        for (int axis = AD.tensorValue(lp).rank() - 1; axis >= axes; axis--) {
            lp = AD.sumAxis(lp, axis, false); // keeps the leading axes, element for element
        }
        return lp;
    }

    /**
     * A tracked tensor whose last axis has length K, of at least the parameters' rank, whose every row lies on the
     * simplex: straight-through (one-hot) or relaxed values.
     */
    private boolean isRelaxedValue(Object x) {
        if (!(x instanceof TensorVar t) || t.value.rank() < (batch == null ? 1 : batch.length + 1)
                || t.value.dim(t.value.rank() - 1) != k) {
            return false;
        }
        return rowsOnSimplex(t.value.toArray());
    }

    private boolean rowsOnSimplex(double[] y) {
        for (int row = 0; row < y.length; row += k) {
            if (!Params.onSimplex(Arrays.copyOfRange(y, row, row + k))) {
                return false;
            }
        }
        return true;
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
        scalarDraw("weakDerivatives");
        double c = category(x, "weakDerivatives");
        Object pi = probabilities();
        List<WeakDerivative> terms = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            terms.add(new WeakDerivative(AD.index(pi, j), 1.0, (double) j, c));
        }
        return terms;
    }

    /**
     * Each draw alone, as {@link #weakDerivatives}: one term per category j, on pi_j of every row (a tensor of the
     * draw's shape), x+ = j for every draw and x- = the sample (which costs no run of its own), so an estimate runs
     * the program 1 + K times per entry of an element.
     */
    @Override
    public List<WeakDerivative> elementWeakDerivatives(Object x, Rng aux) {
        if (batch == null) {
            return null;
        }
        Tensor drawn = AD.tensorValue(AD.value(x));
        Object pi = probabilities();
        List<WeakDerivative> terms = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            double[] mask = new double[k];
            mask[j] = 1;
            Object column = AD.sumAxis(AD.mul(pi, new Tensor(new int[] {k}, mask)), batch.length, false);
            terms.add(new WeakDerivative(column, 1.0, Tensor.full(batch, j), drawn));
        }
        return terms;
    }

    /** For the operations a tensor-valued categorical does not have yet. */
    private void scalarDraw(String what) {
        if (batch != null) {
            throw new UnsupportedOperationException(FAMILY.name() + ": " + what + " of a tensor-valued categorical "
                    + "(parameters of shape " + AD.describe(param) + ") is not supported");
        }
    }

    /**
     * one-hot(h) + pi - stop(pi), a vector of length K (rows of K for a tensor-valued categorical): the value is
     * exactly the one-hot vector.
     */
    @Override
    public Object straightThrough(Object hardSample) {
        Object pi = probabilities();
        Tensor oneHot;
        if (batch == null) {
            double[] d = new double[k];
            d[category(hardSample, "straightThrough")] = 1;
            oneHot = new Tensor(new int[] {k}, d);
        } else {
            Object h = AD.value(Params.coerce(FAMILY.name(), "x", hardSample));
            double[] xs = Params.primals(h);
            if (!Arrays.equals(Params.shape(h), batch)) {
                throw new IllegalArgumentException(FAMILY.name() + ": straightThrough needs hard samples of shape "
                        + Arrays.toString(batch) + ", got " + AD.describe(h));
            }
            double[] d = new double[xs.length * k];
            for (int i = 0; i < xs.length; i++) {
                if (!support.contains(xs[i])) {
                    throw new IllegalArgumentException(FAMILY.name() + ": straightThrough needs indices in " + support
                            + ", got " + xs[i]);
                }
                d[i * k + (int) xs[i]] = 1;
            }
            oneHot = new Tensor(AD.tensorValue(param).shape(), d);
        }
        Object hard = AD.dependsOn(oneHot, hardSample);
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
        for (int c = 0; c < g.length; c++) {
            g[c] = -Math.log(-Math.log(rng.nextOpenDouble()));
        }
        Object scores = fromLogits ? param : AD.log(param);
        Object v = AD.div(AD.add(scores, new Tensor(AD.tensorValue(param).shape(), g)), temperature);
        if (batch != null) {
            Object e = AD.exp(AD.sub(v, AD.maxAxisValue(v, batch.length)));
            return AD.div(e, AD.sumAxis(e, batch.length, true));
        }
        return softmax(v);
    }

    @Override
    public Object hardened(Object relaxed) {
        Tensor t = AD.tensorValue(AD.value(relaxed));
        double[] d = new double[t.size() / k];
        for (int row = 0; row < d.length; row++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (t.get(row * k + c) > t.get(row * k + best)) {
                    best = c;
                }
            }
            d[row] = best;
        }
        return batch == null ? (Object) d[0] : new Tensor(batch, d);
    }

    /**
     * sum_k y_k log pi_k for y a vector of length K on the simplex, or rows of K (-infinity off it; 0 log 0 = 0),
     * differentiable in y and the parameter; a scalar index, or indices of the draw shape of a tensor-valued
     * categorical, give {@link #logDensity}. At a one-hot y it equals the log density of that category.
     */
    @Override
    public Object relaxedLogDensity(Object y) {
        Object v = Params.coerce(FAMILY.name(), "y", y);
        if (!AD.isTensor(v)) {
            return logDensity(v);
        }
        int[] shape = AD.tensorValue(v).shape();
        if (batch != null && shape.length == batch.length) {
            return logDensity(v); // indices, one per draw (an observed label where other runs relax)
        }
        if (shape.length < (batch == null ? 1 : batch.length + 1) || shape[shape.length - 1] != k) {
            throw new ShapeException(FAMILY.name() + ": a relaxed value must be a "
                    + (batch == null ? "vector of length " + k : "tensor whose last axis has length " + k + " (rows "
                            + "of the simplex, one per draw of shape " + Arrays.toString(batch) + ")")
                    + ", got " + AD.describe(v));
        }
        if (!rowsOnSimplex(Params.primals(v))) {
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
        scalarDraw("mean");
        double m = 0;
        for (int c = 0; c < k; c++) {
            m += c * probs[c];
        }
        return m;
    }

    @Override
    public double variance() {
        double m = mean();
        double v = 0;
        for (int c = 0; c < k; c++) {
            v += (c - m) * (c - m) * probs[c];
        }
        return v;
    }

    @Override
    public String toString() {
        return FAMILY.name() + "(" + (fromLogits ? "logits" : "probs") + "=" + AD.describe(param) + ")";
    }
}
