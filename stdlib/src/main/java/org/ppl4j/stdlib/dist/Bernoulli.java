package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** 1 with probability p, else 0; given either {@code p} in [0, 1] or {@code logits} = log(p / (1 - p)). */
public final class Bernoulli extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("bernoulli", List.of("p", "logits"), 0, Set.of(Capability.DISCRETE,
                    Capability.ENUMERABLE, Capability.MEASURE_VALUED, Capability.STRAIGHT_THROUGH,
                    Capability.RELAXABLE));

    private static final List<Object> VALUES = List.of(0.0, 1.0);

    private final boolean fromLogits;
    /** exp(-|logits|) and log1p of it, once asked for (scalar logits only); -1 before. */
    private double expMinusAbs = -1;
    private double log1pExp;

    private static final List<String> P = List.of("p");
    private static final List<String> LOGITS = List.of("logits");

    private Bernoulli(String name, Object value, boolean fromLogits) {
        super(FAMILY, fromLogits ? LOGITS : P, value);
        this.fromLogits = fromLogits;
    }

    /** Bernoulli with success probability p. */
    public static Bernoulli ofProbability(Object p) {
        return new Bernoulli("p", Params.checked(FAMILY.name(), "p", p, Params.PROBABILITY), false);
    }

    /** Bernoulli with success probability sigmoid(logits); infinite logits are allowed (p = 0 or 1). */
    public static Bernoulli ofLogits(Object logits) {
        return new Bernoulli("logits", Params.checked(FAMILY.name(), "logits", logits, Params.NOT_NAN), true);
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: p, logits; exactly one must be given. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return Params.exactlyOne(FAMILY, a) == 0 ? ofProbability(a[0]) : ofLogits(a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return fromLogits ? ofLogits(p[0]) : ofProbability(p[0]);
    }

    public boolean isLogitParameterized() {
        return fromLogits;
    }

    /** The success probability: the parameter given, or sigmoid of the logits. */
    public Object p() {
        return fromLogits ? AD.sigmoid(param(0)) : param(0);
    }

    /** The log-odds: the parameter given, or log p - log(1 - p). */
    public Object logits() {
        return fromLogits ? param(0) : AD.sub(AD.log(param(0)), AD.log1p(AD.neg(param(0))));
    }

    /**
     * s log p + f log(1 - p) for the success probability given by {@code param} (p, or logits when
     * {@code fromLogits}): from logits through softplus, which neither overflows nor loses the tail; a term with a
     * zero count is 0 even where its log is -infinity (p = 0 or 1, infinite logits). Elementwise, differentiable
     * in s, f and the parameter. Shared with the binomial and the relaxed density.
     */
    static Object logLikelihood(Object successes, Object failures, Object param, boolean fromLogits) {
        if (fromLogits) {
            return AD.add(Params.xlogsigmoid(successes, param), Params.xlogsigmoid(failures, AD.neg(param)));
        }
        return AD.add(Params.xlogy(successes, param), Params.xlog1my(failures, param));
    }

    /** The primal success probability from a primal parameter. */
    static double probability(double param, boolean fromLogits) {
        return fromLogits ? Fns.sigmoid(param) : param;
    }

    /** log p for x = 1, log(1 - p) for x = 0. */
    @Override
    Object elementLogDensity(Object x) {
        Object l = param(0);
        if (fromLogits && AD.isTensor(l) && AD.tensorValue(l).isLarge()
                && AD.tensorValue(l).allMatch(Tensor.Check.FINITE)) {
            // x l - softplus(l): the same value for finite logits in three whole-tensor kernels (logits broadcast
            // against data of another shape; see summedLogDensity for the common case)
            return AD.sub(AD.mul(x, l), AD.softplus(l));
        }
        return logLikelihood(x, AD.sub(1.0, x), l, fromLogits);
    }

    /**
     * Large finite logits l and 0/1 data x of their shape (a decoder's output layer: [batch, pixels]): x l -
     * softplus(l), summed, as one node of two passes each way (the elementwise form takes nine).
     */
    @Override
    Object summedLogDensity(Object x) {
        Object l = param(0);
        if (!fromLogits || !AD.isTensor(l) || !AD.isTensor(x) || AD.isTracked(x)) {
            return null; // a tracked x (a random choice's value) must stay an input: the density depends on it
        }
        Tensor lv = AD.tensorValue(l);
        Tensor xv = AD.tensorValue(x);
        if (!lv.isLarge() || !java.util.Arrays.equals(lv.shape(), xv.shape()) || !lv.allMatch(Tensor.Check.FINITE)) {
            return null;
        }
        return AD.bernoulliLogitsSum(xv, l);
    }

    /** One node: log sigmoid(+-l) or log p, log(1 - p), with the derivative in the parameter (none in x). */
    @Override
    Object scalarLogDensity(Object x, double v, double[] p) {
        double t = p[0];
        double lp;
        double d;
        if (fromLogits) {
            // Fns.softplus and Fns.sigmoid at +-t share exp(-|t|) and log1p of it: computed once per distribution
            // (an enumerated choice asks for both values)
            if (expMinusAbs < 0) {
                expMinusAbs = Math.exp(-Math.abs(t));
                log1pExp = Math.log1p(expMinusAbs);
            }
            double e = expMinusAbs;
            if (v == 1) {
                lp = -(t < 0 ? -t + log1pExp : log1pExp);
                d = t <= 0 ? 1 / (1 + e) : e / (1 + e);
            } else {
                lp = -(t > 0 ? t + log1pExp : log1pExp);
                d = -(t >= 0 ? 1 / (1 + e) : e / (1 + e));
            }
        } else {
            lp = v == 1 ? Math.log(t) : Math.log1p(-t);
            d = v == 1 ? 1 / t : -1 / (1 - t);
        }
        return Var.fused(lp, x, 0, param(0), d, null, 0);
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return rng.nextDouble() < probability(p[0], fromLogits) ? 1.0 : 0.0;
    }

    @Override
    public Support support() {
        return Support.BOOLEAN;
    }

    /** Each element of a tensor-valued bernoulli is 0 or 1 (the estimate's enum strategy builds joint values). */
    @Override
    public double[] elementSupport() {
        return isTensorValued() ? new double[] {0, 1} : null;
    }

    /** [0.0, 1.0]; for a tensor-valued bernoulli see {@link #elementSupport}. */
    @Override
    public List<Object> enumerateSupport() {
        scalarParams("enumerateSupport");
        return VALUES;
    }

    /** d/dp E[f(x)] = f(1) - f(0): one term on p (sigmoid(logits) when built from logits). Scalar p and x only. */
    @Override
    public List<WeakDerivative> weakDerivatives(Object x, Rng aux) {
        scalarValue(x, "weakDerivatives");
        return List.of(new WeakDerivative(p(), 1.0, 1.0, 0.0));
    }

    /** Each entry alone: d/dp_u E[f] = f(x with x_u = 1) - f(x with x_u = 0), the other entries as drawn. */
    @Override
    public List<WeakDerivative> elementWeakDerivatives(Object x, Rng aux) {
        int[] shape = drawShape();
        if (shape == null) {
            return null;
        }
        return List.of(new WeakDerivative(p(), 1.0, Tensor.ones(shape), Tensor.zeros(shape)));
    }

    /** h + p - stop(p): the value is exactly h (0 or 1, elementwise), the gradient that of p. */
    @Override
    public Object straightThrough(Object hardSample) {
        Object h = AD.detach(Params.coerce(FAMILY.name(), "x", hardSample));
        for (double v : Params.primals(h)) {
            if (!support().contains(v)) {
                throw new IllegalArgumentException(FAMILY.name() + ": straightThrough needs a hard sample in "
                        + support() + ", got " + v);
            }
        }
        Object p = p();
        return AD.add(h, AD.sub(p, AD.detach(p)));
    }

    /**
     * The binary Concrete sample sigmoid((logits + L) / temperature), L = log U - log(1 - U) logistic noise
     * (one U per element, drawn as {@link #sample} draws), differentiable in the parameter.
     */
    @Override
    public Object relaxedSample(Rng rng, double temperature) {
        Params.checkTemperature(FAMILY.name(), temperature);
        return AD.sigmoid(AD.div(AD.add(logits(), noise(rng, Bernoulli::logistic)), temperature));
    }

    @Override
    public Object hardened(Object relaxed) {
        Object v = AD.value(relaxed);
        return v instanceof Tensor t ? t.map(x -> x > 0.5 ? 1.0 : 0.0) : (AD.scalarValue(v) > 0.5 ? 1.0 : 0.0);
    }

    private static double logistic(Rng rng) {
        double u = rng.nextOpenDouble();
        return Math.log(u) - Math.log1p(-u);
    }

    /**
     * y log p + (1 - y) log(1 - p) for y in [0, 1] (elementwise, summed; -infinity outside [0, 1]), differentiable
     * in y and the parameter; equal to {@link #logDensity} at y = 0 and y = 1.
     */
    @Override
    public Object relaxedLogDensity(Object y) {
        return sumOverElements(Params.coerce(FAMILY.name(), "y", y), (v, p) -> v >= 0 && v <= 1,
                v -> logLikelihood(v, AD.sub(1.0, v), param(0), fromLogits));
    }

    @Override
    double meanElement(double[] p) {
        return probability(p[0], fromLogits);
    }

    @Override
    double varianceElement(double[] p) {
        double q = probability(p[0], fromLogits);
        return q * (1 - q);
    }
}
