package org.ppl4j.runtime.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.FunctionValue;
import org.ppl4j.runtime.value.Printer;

/**
 * {@code marginal(g, keep: [...], aux: r, particles: m)}: the distribution of the kept choices of g, the others
 * integrated out: q(z) = integral of q(z, u) du.
 *
 * <ul>
 * <li>{@code sim}: runs g (each choice with its strategy) and returns the kept choices only.
 * <li>{@code density(marginal, z)}: log of an importance-sampling estimate with m particles,
 * log (1/m) sum_i q(z, u_i) / r(u_i | z), u_i from the aux guide r. For z drawn by {@code sim} of the same
 * marginal (in the same run), the first particle is the u that z was drawn with, u_1 ~ q(u | z), and the other
 * m - 1 come from r: then 1 / estimate is an <b>unbiased estimate of 1 / q(z)</b>, so the log density is biased
 * upwards, E[log estimate] >= log q(z), and log p(x, z) - log estimate stays a lower bound of the ELBO: HVI
 * (m = 1: log q(z, u) - log r(u | z)), IWHVI (m > 1). For any other z all m particles come from r and the
 * estimate itself is <b>unbiased for q(z)</b>, E[log estimate] <= log q(z). Both tighten as m grows.
 * </ul>
 * Gradients flow through every particle with each site's strategy (reparam through u, scores for the rest).
 */
public final class Marginal implements GenerativeFunction {
    private final GenerativeFunction joint;
    private final List<Address> keep;
    private final List<String> keepText;
    private final Object aux;
    private final int particles;

    /**
     * @param aux a generative function (r, not conditioned on z), a model of one argument (called with the kept
     *            choices), or a fn of the kept choices that returns a generative function; null when none is given
     */
    public Marginal(GenerativeFunction joint, List<String> keep, Object aux, int particles) {
        this.joint = joint;
        this.keepText = List.copyOf(keep);
        this.keep = new ArrayList<>();
        for (String k : keep) {
            Address a = Address.parse(k);
            if (a == null) {
                throw new IllegalArgumentException("marginal: '" + k + "' is not an address; write name, name[3] or"
                        + " name[1][2]");
            }
            this.keep.add(a);
        }
        if (particles < 1) {
            throw new IllegalArgumentException("marginal: 'particles' must be at least 1, got " + particles);
        }
        this.aux = aux;
        this.particles = particles;
    }

    private Marginal(Marginal of, Object aux, int particles) {
        this.joint = of.joint;
        this.keep = of.keep;
        this.keepText = of.keepText;
        this.aux = aux;
        this.particles = particles;
    }

    /**
     * The same marginal (same joint, same kept choices: traces drawn by one are the other's own) with another aux
     * guide (null keeps this one's) and number of particles.
     */
    public Marginal with(Object aux, int particles) {
        if (particles < 1) {
            throw new IllegalArgumentException("marginal: 'particles' must be at least 1, got " + particles);
        }
        return new Marginal(this, aux == null ? this.aux : aux, particles);
    }

    @Override
    public String name() {
        return "marginal(" + joint.name() + ")";
    }

    public int particles() {
        return particles;
    }

    /** Whether {@code other} marginalises the same joint onto the same choices (its traces are ours). */
    boolean sameAs(Object other) {
        return other instanceof Marginal m && m.joint == joint && m.keepText.equals(keepText);
    }

    private boolean kept(Address a) {
        for (Address k : keep) {
            if (k.name().equals(a.name()) && k.depth() <= a.depth() && k.equals(a.prefix(k.depth()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        ChoiceMap trace = joint.simulate(context, estimation, params);
        ChoiceMap z = new ChoiceMap();
        ChoiceMap u = new ChoiceMap();
        for (Map.Entry<Address, Object> e : trace.entries().entrySet()) {
            (kept(e.getKey()) ? z : u).put(e.getKey(), e.getValue());
        }
        if (z.isEmpty()) {
            throw new IllegalArgumentException("marginal: " + joint.name() + " made no choice at " + keepText
                    + "; its choices are " + trace.entries().keySet());
        }
        z.hide(this, u);
        return z;
    }

    @Override
    public Object density(PplContext context, ChoiceMap z, ParamProvider params) {
        return density(context, z, params, false);
    }

    /** Per datum: each particle's log weight is one per datum, and their log-mean-exp is taken datum by datum. */
    @Override
    public Object densityPerDatum(PplContext context, ChoiceMap z, ParamProvider params) {
        return density(context, z, params, true);
    }

    private Object density(PplContext context, ChoiceMap z, ParamProvider params, boolean keepData) {
        for (Address a : z.entries().keySet()) {
            if (!kept(a)) {
                throw new IllegalArgumentException("density(" + name() + "): '" + a + "' is not among the kept"
                        + " choices " + keepText);
            }
        }
        EstimationContext estimation = GenerativeFunction.estimation(context);
        Handler handler = context.handler() instanceof org.ppl4j.runtime.estimate.ObjectiveRun run ? run : null;
        GenerativeFunction r = auxFor(z);
        Object[] logWeights = new Object[particles];
        int first = 0;
        ChoiceMap own = z.hidden(this::sameAs);
        if (own != null) {
            logWeights[first++] = logWeight(context, z, own, r, params, keepData);
        }
        for (int i = first; i < particles; i++) {
            if (handler != null) {
                handler.enterIteration(i); // each particle's aux choices are sites of their own
            }
            try {
                ChoiceMap u = r.simulate(context, estimation, params);
                logWeights[i] = logWeight(context, z, u, r, params, keepData);
            } finally {
                if (handler != null) {
                    handler.exitIteration();
                }
            }
        }
        if (particles == 1) {
            return logWeights[0];
        }
        return keepData && AD.isTensor(logWeights[0]) && AD.tensorValue(logWeights[0]).rank() > 0
                ? logMeanExpPerDatum(logWeights) : logMeanExp(logWeights);
    }

    /** log q(z, u) - log r(u | z), per datum where {@code keepData}. */
    private Object logWeight(PplContext context, ChoiceMap z, ChoiceMap u, GenerativeFunction r, ParamProvider params,
            boolean keepData) {
        ChoiceMap zu = ChoiceMap.merge(z, u);
        Object joint = keepData ? this.joint.densityPerDatum(context, zu, params) : this.joint.density(context, zu,
                params);
        return AD.sub(joint, keepData ? r.densityPerDatum(context, u, params) : r.density(context, u, params));
    }

    /** The log-mean-exp of [B] log weights, datum by datum, shifted as {@link #logMeanExp(Object[])} is. */
    private static Object logMeanExpPerDatum(Object[] xs) {
        int[] one = AD.tensorValue(xs[0]).shape();
        int[] row = new int[one.length + 1];
        row[0] = 1;
        System.arraycopy(one, 0, row, 1, one.length);
        Object[] rows = new Object[xs.length];
        for (int i = 0; i < xs.length; i++) {
            rows[i] = AD.reshape(xs[i], row);
        }
        Object s = AD.concat(rows, 0); // [particles, B]
        org.ppl4j.runtime.ad.Tensor max = AD.maxAxisValue(s, 0);
        org.ppl4j.runtime.ad.Tensor finite = max.map(v -> Double.isFinite(v) ? v : 0);
        Object shift = AD.isTracked(s) ? AD.dependsOn(finite, s) : finite;
        Object total = AD.add(AD.log(AD.sumAxis(AD.exp(AD.sub(s, shift)), 0, true)), shift);
        Object perDatum = AD.reshape(total, one);
        return AD.sub(perDatum, Math.log(xs.length));
    }

    private GenerativeFunction auxFor(ChoiceMap z) {
        if (aux == null) {
            throw new IllegalArgumentException("density(" + name() + "): the marginal needs an aux guide to estimate"
                    + " its density: marginal(g, keep: [...], aux: r)");
        }
        if (aux instanceof GenerativeFunction g) {
            return g;
        }
        if (aux instanceof FunctionValue f && f.parameters().size() == 1) {
            if (f.kind() == FunctionValue.Kind.MODEL) {
                return new org.ppl4j.runtime.value.BoundModel(f, new Object[] {z});
            }
            if (f.kind() == FunctionValue.Kind.FN) {
                Object g = f.invoke(new Object[] {z});
                if (g instanceof GenerativeFunction gf) {
                    return gf;
                }
                throw new IllegalArgumentException("marginal: the aux fn must return a model such as r(z), got "
                        + Printer.kind(g));
            }
        }
        throw new IllegalArgumentException("marginal: 'aux' must be a model (bound, or of one argument that receives"
                + " the kept choices) or a fn of the kept choices returning one, got " + Printer.kind(aux));
    }

    /**
     * log (1/n) sum exp(x_i), shifted by the largest x. The shift has its gradient stopped but keeps its
     * provenance (it is part of the value, and depends on the random choices the x_i depend on).
     */
    static Object logMeanExp(Object[] xs) {
        for (Object x : xs) {
            if (x instanceof org.ppl4j.runtime.ad.Batched b) {
                return logMeanExp(xs, b.size());
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        Object shift = null;
        for (Object x : xs) {
            double v = AD.scalarValue(x);
            if (shift == null || v > max) {
                max = v;
                shift = x;
            }
        }
        if (Double.isInfinite(max) || Double.isNaN(max)) {
            return max;
        }
        shift = AD.detach(shift);
        Object sum = 0.0;
        for (Object x : xs) {
            sum = AD.add(sum, AD.exp(AD.sub(x, shift)));
        }
        return AD.add(AD.log(AD.div(sum, (double) xs.length)), shift);
    }

    /**
     * The same in a vectorised body of k iterations, whose log weights are batched numbers: per iteration, over the
     * particles (the [particles, k] weights transposed to [k, particles], shifted by each row's maximum).
     */
    private static Object logMeanExp(Object[] xs, int k) {
        Object[] rows = new Object[xs.length];
        for (int i = 0; i < xs.length; i++) {
            org.ppl4j.runtime.ad.Batched b = xs[i] instanceof org.ppl4j.runtime.ad.Batched p ? p
                    : org.ppl4j.runtime.ad.Batched.broadcast(xs[i], k);
            if (b.eventRank() != 0 || b.size() != k) {
                throw new org.ppl4j.runtime.ad.NotBatchable("a marginal's log weights that are not numbers");
            }
            rows[i] = b.stacked();
        }
        Object w = AD.transpose(org.ppl4j.runtime.ad.Axes.stack(rows));
        org.ppl4j.runtime.ad.Tensor finite = AD.maxAxisValue(w, 1).map(v -> Double.isFinite(v) ? v : 0);
        Object shift = AD.isTracked(w) ? AD.dependsOn(finite, w) : finite; // provenance kept, no gradient path
        Object s = AD.add(AD.log(AD.div(AD.sumAxis(AD.exp(AD.sub(w, shift)), 1, true), (double) xs.length)), shift);
        return org.ppl4j.runtime.ad.Batched.of(AD.reshape(s, new int[] {k}), k);
    }

    @Override
    public String toString() {
        return "marginal(" + joint.name() + ", keep: " + keepText + ")";
    }
}
