package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;

/**
 * A distribution over a scalar whose parameters may be tensors: it is then a tensor of independent draws, one
 * per element of the parameters' broadcast shape, and its log density is the sum over elements. A tensor x
 * given to a scalar-parameter distribution is treated the same way (independent, identically distributed).
 * Subclasses give the per-element sampler, moments and support test, the log density as AD operations (which
 * broadcast by themselves), and a way to rebuild themselves from new parameters (for {@link #detachParameters}).
 */
abstract class ElementwiseDistribution implements Distribution {
    /** A per-element membership test: value x under the element's primal parameters p. */
    @FunctionalInterface
    interface ElementTest {
        boolean test(double x, double[] p);
    }

    private final DistributionFamily family;
    private final List<String> names;
    private final Object[] params;
    /** The broadcast shape of the parameters; null when every parameter is a scalar. */
    private final int[] shape;
    /** Primal parameter values when every parameter is a scalar (the fast path); null otherwise. */
    private final double[] scalars;

    /** {@code params} must already be coerced and validated; {@code names} names them for messages. */
    ElementwiseDistribution(DistributionFamily family, List<String> names, Object... params) {
        this.family = family;
        this.names = names;
        this.params = params;
        this.shape = allScalars(params) ? null : Params.broadcastShape(params);
        if (shape == null) {
            scalars = new double[params.length];
            for (int i = 0; i < params.length; i++) {
                scalars[i] = AD.scalarValue(params[i]);
            }
        } else {
            scalars = null;
        }
    }

    /**
     * The log density at a scalar {@code x} (primal value {@code v}, in the support) of a distribution with scalar
     * parameters (primal values {@code p}) in as few tape nodes as possible, or null to take {@link #elementLogDensity}'s elementary
     * operations. Must agree with it in value and gradient, and keep x as an input (with partial 0 when discrete)
     * so that the density still depends on x's random choice.
     */
    Object scalarLogDensity(Object x, double v, double[] p) {
        return null;
    }

    private static boolean allScalars(Object[] params) {
        for (Object p : params) {
            if (!(p instanceof Double) && !(p instanceof org.ppl4j.runtime.ad.Var)) {
                return false;
            }
        }
        return true;
    }

    /** One draw given the primal parameter values of one element. */
    abstract double sampleElement(double[] p, Rng rng);

    /** The log density, elementwise, with AD operations on the parameters and x (x is in the support). */
    abstract Object elementLogDensity(Object x);

    abstract double meanElement(double[] p);

    abstract double varianceElement(double[] p);

    /** The same distribution with these parameters (already coerced and validated once, in the same order). */
    abstract Distribution withParameters(Object[] params);

    /** Whether x is in the support of the element with parameters p; by default {@link #support()}'s test. */
    boolean containsElement(double x, double[] p) {
        return support().contains(x);
    }

    /** Whether {@link #containsElement} depends on the parameters (else the support is tested on x alone). */
    boolean supportDependsOnParameters() {
        return false;
    }

    final Object param(int i) {
        return params[i];
    }

    /** Whether a parameter is a tensor, so that draws are tensors. */
    public final boolean isTensorValued() {
        return shape != null;
    }

    /** The parameters' broadcast shape, or {@code null} when the distribution is scalar-valued. */
    public final int[] batchShape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public final int[] drawShape() {
        return batchShape();
    }

    @Override
    public final DistributionFamily family() {
        return family;
    }

    @Override
    public final Object sample(Rng rng) {
        if (shape == null) {
            return sampleElement(scalars, rng);
        }
        double[][] p = Params.broadcastPrimals(shape, params);
        double[] one = new double[params.length];
        double[] out = new double[Tensor.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            for (int k = 0; k < one.length; k++) {
                one[k] = p[k][i];
            }
            out[i] = sampleElement(one, rng);
        }
        return new Tensor(shape, out);
    }

    /**
     * Parameter-free noise for a reparameterised sample: a {@code Double}, or a tensor of the parameters' shape
     * filled row-major, drawing in the same order as {@link #sample} so that both give the same primal value.
     */
    final Object noise(Rng rng, ToDoubleFunction<Rng> draw) {
        if (shape == null) {
            return draw.applyAsDouble(rng);
        }
        double[] out = new double[Tensor.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            out[i] = draw.applyAsDouble(rng);
        }
        return new Tensor(shape, out);
    }

    @Override
    public final Object logDensity(Object x) {
        if (scalars != null && (x instanceof Double || x instanceof org.ppl4j.runtime.ad.Var)) {
            double v = AD.scalarValue(x);
            if (!containsElement(v, scalars)) {
                return Double.NEGATIVE_INFINITY;
            }
            Object fused = scalarLogDensity(x, v, scalars);
            if (fused != null) {
                return fused;
            }
        }
        Object v = Params.coerce(family.name(), "x", x);
        if (family.discrete()) {
            // no derivative with respect to a count or a category, but the density still depends on the value's
            // random choice (provenance, for Rao-Blackwellisation)
            v = AD.detach(v);
        }
        return sumOverElements(v, supportDependsOnParameters() ? OWN_SUPPORT : null, null, true);
    }

    /**
     * Stands for this distribution's own {@link #containsElement}. The log density calls its own methods directly
     * rather than through bound method references: each such reference made per call is a method-handle call and
     * a VM allocation under C1, which runs this code (1.5% of an eight-schools step).
     */
    private static final ElementTest OWN_SUPPORT = (x, p) -> {
        throw new AssertionError("tested through containsElement");
    };

    /**
     * The log density of a tensor x in the support, summed over elements in fewer tape nodes than
     * {@link #elementLogDensity} takes, or null to take that elementwise path.
     */
    Object summedLogDensity(Object x) {
        return null;
    }

    /**
     * The sum over elements of {@code elementLogDensity(x)}, or -infinity if an element of x (broadcast with the
     * parameters) fails {@code contains}. Shared by the log density and its extension to relaxed values.
     */
    final Object sumOverElements(Object x, ElementTest contains, UnaryOperator<Object> elementLogDensity) {
        return sumOverElements(x, contains, elementLogDensity, false);
    }

    /** {@code own}: this distribution's {@link #summedLogDensity} and {@link #elementLogDensity}, not the argument. */
    private Object sumOverElements(Object x, ElementTest contains, UnaryOperator<Object> elementLogDensity,
            boolean own) {
        int[] xShape = Params.shape(x);
        int[] full = xShape == null ? shape : shape == null ? xShape : Tensor.broadcastShape(shape, xShape);
        if (!inSupport(x, full, contains)) {
            return Double.NEGATIVE_INFINITY;
        }
        if (own) {
            Object total = summedLogDensity(x);
            if (total != null) {
                return total;
            }
        }
        Object lp = own ? elementLogDensity(x) : elementLogDensity.apply(x);
        Object total = AD.sum(lp);
        // a density that does not involve x (uniform) has fewer elements than x: each repeats equally often
        int wanted = full == null ? 1 : Tensor.numel(full);
        int got = AD.isTensor(lp) ? AD.tensorValue(lp).size() : 1;
        return wanted == got ? total : AD.mul(total, (double) (wanted / got));
    }

    /** {@code contains} null: the support does not depend on the parameters, so x alone is tested. */
    private boolean inSupport(Object x, int[] full, ElementTest contains) {
        if (contains == null) {
            return AD.isTensor(x) ? support().containsAll(AD.tensorValue(x)) : support().contains(AD.scalarValue(x));
        }
        if (full == null) {
            return test(contains, AD.scalarValue(x), scalars);
        }
        double[][] p = Params.broadcastPrimals(full, params);
        double[] xs = AD.tensorValue(x).broadcastTo(full).toArray();
        double[] one = new double[params.length];
        for (int i = 0; i < xs.length; i++) {
            for (int k = 0; k < one.length; k++) {
                one[k] = p[k][i];
            }
            if (!test(contains, xs[i], one)) {
                return false;
            }
        }
        return true;
    }

    private boolean test(ElementTest contains, double x, double[] p) {
        return contains == OWN_SUPPORT ? containsElement(x, p) : contains.test(x, p);
    }

    /**
     * {@code leading}-shaped independent copies: every parameter broadcast to {@code leading ++ batchShape}
     * (gradients flow back through the broadcast), so that a draw is a tensor of that shape.
     */
    final Distribution repeated(int[] leading) {
        int[] batch = shape == null ? new int[0] : shape;
        int[] target = new int[leading.length + batch.length];
        System.arraycopy(leading, 0, target, 0, leading.length);
        System.arraycopy(batch, 0, target, leading.length, batch.length);
        Tensor zeros = Tensor.zeros(target);
        Object[] expanded = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            expanded[i] = AD.add(params[i], zeros);
        }
        return withParameters(expanded);
    }

    @Override
    public final int drawRank() {
        return shape == null ? 0 : shape.length;
    }

    @Override
    public final Distribution batchOf(int k) {
        return repeated(new int[] {k});
    }

    /**
     * One log density per iteration: the elementwise log density over the broadcast shape of x and the parameters,
     * whose leading axis runs over the k iterations, summed over the other axes. A value outside the support makes
     * the body run as a loop (where that iteration's density is -infinity).
     */
    @Override
    public final Object batchLogDensity(Object x, int k) {
        Object v = densityInput(x);
        int[] full = fullShape(v);
        if (full == null || full.length == 0 || full[0] != k) {
            throw new NotBatchable(family.name() + ": no batch axis of length " + k + " in its value or parameters");
        }
        if (!inSupport(v, full, supportDependsOnParameters() ? this::containsElement : null)) {
            throw new NotBatchable(family.name() + ": a value outside the support", false);
        }
        Object lp = elementsOver(v, full);
        return full.length == 1 ? lp : AD.sumAxis(AD.reshape(lp, new int[] {k, Tensor.numel(full) / k}), 1, false);
    }

    /** x as the elementwise density takes it: coerced, and detached when discrete (no derivative in a count). */
    private Object densityInput(Object x) {
        Object v = Params.coerce(family.name(), "x", x);
        return family.discrete() ? AD.detach(v) : v;
    }

    /** The broadcast shape of v and the parameters, or null when both are scalars. */
    private int[] fullShape(Object v) {
        int[] xShape = Params.shape(v);
        return xShape == null ? shape : shape == null ? xShape : Tensor.broadcastShape(shape, xShape);
    }

    /** The elementwise log density at v over {@code full}: a density that does not involve x repeats alike. */
    private Object elementsOver(Object v, int[] full) {
        Object lp = elementLogDensity(v);
        int[] lpShape = AD.isTensor(lp) ? AD.tensorValue(lp).shape() : new int[0];
        return java.util.Arrays.equals(lpShape, full) ? lp : AD.add(lp, Tensor.zeros(full));
    }

    /**
     * The elementwise log density over the broadcast shape of x and the parameters, summed over all but the leading
     * {@code axes} axes; null when x is outside the support (the joint density, -infinity, says so) or has fewer axes.
     */
    @Override
    public final Object logDensityPerElement(Object x, int axes) {
        Object v = densityInput(x);
        int[] full = fullShape(v);
        if (full == null || full.length < axes || axes < 1
                || !inSupport(v, full, supportDependsOnParameters() ? this::containsElement : null)) {
            return null;
        }
        Object lp = elementsOver(v, full);
        for (int axis = full.length - 1; axis >= axes; axis--) {
            lp = AD.sumAxis(lp, axis, false); // keeps the leading axes, element for element
        }
        return lp;
    }

        /** Every parameter detached: the same family and primal values, no gradient path to the parameters. */
    @Override
    public final Distribution detachParameters() {
        Object[] detached = new Object[params.length];
        for (int i = 0; i < detached.length; i++) {
            detached[i] = AD.detach(params[i]);
        }
        return withParameters(detached);
    }

    /**
     * The primal value of a scalar x in the support, for operations defined only for a scalar-valued distribution
     * at a scalar value ({@code what} names the operation in messages). Tensor parameters or a tensor x are
     * unsupported; a value outside the support is an error.
     */
    final double scalarValue(Object x, String what) {
        scalarParams(what);
        Object v = AD.value(Params.coerce(family.name(), "x", x));
        if (!(v instanceof Double d)) {
            throw new UnsupportedOperationException(family.name() + ": " + what + " of a tensor value ("
                    + AD.describe(v) + ") is not supported; only scalar values are");
        }
        if (!containsElement(d, scalars)) {
            throw new IllegalArgumentException(family.name() + ": " + what + " needs a value in the support "
                    + support() + ", got " + d);
        }
        return d;
    }

    @Override
    public final double mean() {
        return meanElement(scalarParams("mean"));
    }

    @Override
    public final double variance() {
        return varianceElement(scalarParams("variance"));
    }

    /** The primal parameters of a scalar-valued distribution, for summaries and the scalar-only operations. */
    final double[] scalarParams(String what) {
        if (shape == null) {
            return scalars;
        }
        throw new UnsupportedOperationException(family.name() + ": " + what + " of a tensor-valued distribution "
                + "(parameters of shape " + java.util.Arrays.toString(shape) + ") is not supported");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(family.name()).append('(');
        for (int i = 0; i < params.length; i++) {
            b.append(i == 0 ? "" : ", ").append(names.get(i)).append('=');
            b.append(AD.isTensor(params[i]) ? AD.describe(params[i]) : Double.toString(AD.scalarValue(params[i])));
        }
        return b.append(')').toString();
    }
}
