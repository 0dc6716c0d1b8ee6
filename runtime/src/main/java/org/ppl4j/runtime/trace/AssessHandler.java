package org.ppl4j.runtime.trace;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.Support;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;

/**
 * Reads every choice from a choice map and sums the log densities: Gen's assess. A choice the map lacks is
 * an error, and so is an entry the model never uses (usually a misspelt address).
 */
public final class AssessHandler implements Handler {
    private final ChoiceMap choices;
    private final ParamProvider params;
    private final String modelName;
    private final Set<Address> used = new HashSet<>();
    private final ObjectiveRun run;
    private Object logDensity = 0.0;
    private final ChoiceMap tracked = new ChoiceMap();
    /** N / B during a minibatch fit (1 otherwise): the weight of a local choice's log density. */
    private final double localScale;
    private int localDepth;
    private Iterations iterations; // created by the first replicate or map in the model
    /** density(..., keep: "data"): the local choices' terms per datum, a [B] tensor (null: none yet). */
    private boolean keepData;
    private Object perDatum;
    /** Kept per datum: every term, the local ones scaled, as without 'keep' (returned where perDatumLost). */
    private Object wholeLogDensity = 0.0;
    private boolean perDatumLost;
    private Address firstLocal;

    /** Keep the local choices' log densities per datum (see {@link GenerativeFunction#densityPerDatum}). */
    void keepData() {
        keepData = true;
    }

    @Override
    public void enterIteration(int i) {
        if (iterations == null) {
            iterations = new Iterations();
        }
        iterations.enter(i);
    }

    @Override
    public void exitIteration() {
        if (iterations != null) {
            iterations.exit();
        }
    }

    /**
     * @param run the objective run this density is evaluated in, whose path and relaxed sites change how
     *            densities are taken; null outside objectives
     */
    public AssessHandler(ChoiceMap choices, ParamProvider params, String modelName, ObjectiveRun run) {
        this(choices, params, modelName, run, 1.0);
    }

    /** @param localScale the weight of the log densities of choices made inside {@code local} blocks */
    public AssessHandler(ChoiceMap choices, ParamProvider params, String modelName, ObjectiveRun run,
            double localScale) {
        this.localScale = localScale;
        this.run = run;
        this.choices = choices;
        this.params = params;
        this.modelName = modelName;
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        if (!(distribution instanceof Distribution d)) {
            throw new IllegalArgumentException("density(" + modelName + "): a model cannot draw from sim(...)");
        }
        if (iterations != null) {
            address = iterations.scope(address);
        }
        Object value = choices.lookup(address);
        if (value == null) {
            throw new IllegalArgumentException("density(" + modelName + "): no value for the random choice '"
                    + address + "'");
        }
        if (!AD.isNumeric(value) && !(value instanceof org.ppl4j.runtime.ad.Batched)) {
            if (value instanceof PplList l) {
                value = AD.stack(l.toArray());
            } else {
                throw new IllegalArgumentException("density(" + modelName + "): the value at '" + address
                        + "' must be a number or a tensor");
            }
        }
        used.add(address);
        if (run != null && d.support().isFixed() && !run.isRelaxed(address)) {
            checkSupport(address, d, value);
        }
        if (keepData && localDepth > 0) {
            addPerDatum(owner, address, d, value);
            return value;
        }
        if (keepData) {
            Object term = siteDensity(run, owner, address, d, value, 1);
            wholeLogDensity = AD.add(wholeLogDensity, term);
            logDensity = AD.add(logDensity, term);
            return value;
        }
        logDensity = AD.add(logDensity, siteDensity(run, owner, address, d, value, localDepth > 0 ? localScale : 1));
        return value;
    }

    /**
     * Inside an objective, a value outside a fixed support is a mistake, not a -infinity to fit through: a guide
     * whose distribution for a site has another support than the model's (a normal guide for a half-normal site,
     * caught before any value falls outside), or an observed value the model cannot produce (0.5 under bernoulli).
     * Thrown from the model's {@code ~} statement, so the error stands at the user's line.
     */
    private void checkSupport(Address address, Distribution d, Object value) {
        ObjectiveRun.Draw draw = run.draw(address);
        if (draw != null) {
            Support guide = draw.distribution().support();
            double outside = guide.isFixed() ? d.support().valueOutside(guide) : Double.NaN;
            if (!Double.isNaN(outside)) {
                throw new IllegalArgumentException("the guide " + draw.owner() + " draws '" + address + "' from "
                        + draw.distribution().family().name() + (draw.location() == null ? "" : " at "
                        + draw.location()) + ", whose values (" + guide + ") include "
                        + org.ppl4j.runtime.value.Printer.number(outside) + ", but the model's " + d.family().name() + " here is on " + d.support()
                        + ": give the guide a distribution with the model's support");
            }
            return;
        }
        if (value instanceof org.ppl4j.runtime.ad.Batched) {
            return;
        }
        Object v = AD.value(value);
        boolean inside = v instanceof Double x ? d.support().contains(x) : d.support().containsAll(AD.tensorValue(v));
        if (!inside) {
            String bad = v instanceof Double x ? org.ppl4j.runtime.value.Printer.number(x) : firstOutside(d.support(),
                    AD.tensorValue(v));
            throw new IllegalArgumentException("the observed value " + bad + " at '" + address + "' is outside the "
                    + "support of " + d.family().name() + " (" + d.support() + ")");
        }
    }

    private static String firstOutside(Support support, org.ppl4j.runtime.ad.Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (!support.contains(t.get(i))) {
                return org.ppl4j.runtime.value.Printer.number(t.get(i)) + " (element " + i + ")";
            }
        }
        return "?";
    }

    /**
     * One choice's term of a density in an objective run (or outside one, {@code run} null): a path site's
     * density sees its parameters detached, a relaxed site its relaxed density; the run notes the density as the
     * choice's score, unscaled, and the term is scaled by {@code scale} (N / B for a minibatch's local choices).
     */
    static Object siteDensity(ObjectiveRun run, String owner, Address address, Distribution d, Object value,
            double scale) {
        Distribution dist = run != null && run.isPath(owner, address) ? d.detachParameters() : d;
        boolean relaxed = run != null && run.isRelaxed(address);
        if (relaxed && (run.batch() > 0 || value instanceof org.ppl4j.runtime.ad.Batched)) {
            throw new org.ppl4j.runtime.ad.NotBatchable("a relaxed density");
        }
        Object lp = relaxed ? dist.relaxedLogDensity(value) : BatchedSites.logDensity(dist, value);
        if (run != null) {
            run.noteDensity(owner, address, value, lp);
        }
        return scale != 1 ? AD.mul(lp, scale) : lp;
    }

    /**
     * A local choice's log density per datum: summed over all its axes but the leading (data) one. A choice with no
     * such axis (a scalar {@code x[i]} per datum) leaves the whole density to be returned, as without 'keep'.
     */
    private void addPerDatum(String owner, Address address, Distribution d, Object value) {
        if (value instanceof org.ppl4j.runtime.ad.Batched || d instanceof org.ppl4j.runtime.dist.BatchedDistribution) {
            throw new org.ppl4j.runtime.ad.NotBatchable("a density kept per datum");
        }
        Object whole = siteDensity(run, owner, address, d, value, localScale); // the site's score noted as usual
        wholeLogDensity = AD.add(wholeLogDensity, whole);
        boolean relaxed = run != null && run.isRelaxed(address);
        Object lp = relaxed || !AD.isTensor(value) || AD.tensorValue(value).rank() == 0 ? null
                : (run != null && run.isPath(owner, address) ? d.detachParameters() : d).logDensityPerElement(value, 1);
        if (lp == null) {
            perDatumLost = true;
            return;
        }
        if (perDatum != null && AD.tensorValue(lp).size() != AD.tensorValue(perDatum).size()) {
            throw new IllegalArgumentException("density(" + modelName + ", keep: \"data\"): the local choices '"
                    + firstLocal + "' and '" + address + "' have " + AD.tensorValue(perDatum).size() + " and "
                    + AD.tensorValue(lp).size() + " data points on their leading axes; they must have the same");
        }
        if (perDatum == null) {
            firstLocal = address;
        }
        perDatum = perDatum == null ? lp : AD.add(perDatum, lp);
    }

    @Override
    public void enterLocal() {
        localDepth++;
    }

    @Override
    public void exitLocal() {
        localDepth--;
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    /**
     * The log density; kept per datum, the [B] local terms plus the other terms divided by N = B times the local
     * scale (N / B), or the whole density where no choice was local or one had no data axis.
     */
    /** The values of the model's {@code track} statements in this run, by address. */
    public ChoiceMap tracked() {
        return tracked;
    }

    @Override
    public void track(Address address, Object value) {
        tracked.put(iterations == null ? address : iterations.scope(address), value);
    }

    public Object logDensity() {
        if (keepData && (perDatum == null || perDatumLost)) {
            return wholeLogDensity;
        }
        if (keepData) {
            double n = AD.tensorValue(perDatum).size() * localScale;
            return AD.add(perDatum, AD.div(logDensity, n));
        }
        return logDensity;
    }

    /** Every entry of the map must have been read by some choice. */
    public void checkAllUsed() {
        for (Map.Entry<Address, Object> e : choices.entries().entrySet()) {
            Address a = e.getKey();
            if (used.contains(a)) {
                continue;
            }
            int n = e.getValue() instanceof PplList l ? l.size()
                    : AD.isTensor(e.getValue()) && AD.tensorValue(e.getValue()).rank() > 0
                    ? AD.tensorValue(e.getValue()).dim(0) : -1;
            if (n >= 0) {
                boolean all = true;
                for (int i = 0; i < n && all; i++) {
                    all = used.contains(withIndex(a, i));
                }
                if (all) {
                    continue;
                }
            }
            throw new IllegalArgumentException("density(" + modelName + "): the choice map has a value at '" + a
                    + "', but the model makes no such random choice");
        }
    }

    private static Address withIndex(Address a, int i) {
        int[] idx = new int[a.depth() + 1];
        for (int k = 0; k < a.depth(); k++) {
            idx[k] = a.index(k);
        }
        idx[a.depth()] = i;
        return new Address(a.name(), idx);
    }
}
