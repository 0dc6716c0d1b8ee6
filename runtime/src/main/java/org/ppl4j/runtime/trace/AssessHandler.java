package org.ppl4j.runtime.trace;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Distribution;
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
    /** Addresses read, except those of one index read from a list or tensor entry (in {@link #usedElements}). */
    private final Set<Address> used;
    /** By entry name: the elements read of a list or tensor entry without indices ({@code obs} for obs[i]). */
    private final Map<String, java.util.BitSet> usedElements = new java.util.HashMap<>();
    private final ObjectiveRun run;
    /** The log densities of the choices so far, summed into one node when asked for (not a chain of additions). */
    private Object[] logDensities = new Object[16];
    private int count;
    private Iterations iterations; // created by the first replicate or map in the model

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
        this.run = run;
        this.choices = choices;
        this.params = params;
        this.modelName = modelName;
        // a model usually reads about as many addresses as the map has entries: no rehashing on the way
        this.used = new HashSet<>(Math.max(16, 2 * choices.size()));
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        if (!(distribution instanceof Distribution d)) {
            throw new IllegalArgumentException("density(" + modelName + "): a model cannot draw from sim(...)");
        }
        if (iterations != null) {
            address = iterations.scope(address);
        }
        Object value = choices.entry(address);
        boolean direct = value != null;
        if (!direct) {
            value = choices.lookup(address);
        }
        if (value == null) {
            throw new IllegalArgumentException("density(" + modelName + "): no value for the random choice '"
                    + address + "'");
        }
        if (!AD.isNumeric(value)) {
            if (value instanceof PplList l) {
                value = AD.stack(l.toArray());
            } else {
                throw new IllegalArgumentException("density(" + modelName + "): the value at '" + address
                        + "' must be a number or a tensor");
            }
        }
        if (direct || address.depth() != 1) {
            used.add(address);
        } else {
            usedElements.computeIfAbsent(address.name(), k -> new java.util.BitSet()).set(address.index(0));
        }
        Distribution dist = run != null && run.isPath(owner, address) ? d.detachParameters() : d;
        Object lp = run != null && run.isRelaxed(address) ? dist.relaxedLogDensity(value) : dist.logDensity(value);
        if (run != null) {
            run.noteDensity(owner, address, lp);
        }
        if (count == logDensities.length) {
            logDensities = java.util.Arrays.copyOf(logDensities, count * 2);
        }
        logDensities[count++] = lp;
        return value;
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    public Object logDensity() {
        return Simulation.total(logDensities, count);
    }

    /** Every entry of the map must have been read by some choice. */
    void checkAllUsed() {
        for (Map.Entry<Address, Object> e : choices.entries().entrySet()) {
            Address a = e.getKey();
            if (used.contains(a)) {
                continue;
            }
            int n = e.getValue() instanceof PplList l ? l.size()
                    : AD.isTensor(e.getValue()) && AD.tensorValue(e.getValue()).rank() > 0
                    ? AD.tensorValue(e.getValue()).dim(0) : -1;
            if (n >= 0) {
                java.util.BitSet elements = a.depth() == 0 ? usedElements.get(a.name()) : null;
                if (elements != null && elements.cardinality() == n) {
                    continue;
                }
                boolean all = true;
                for (int i = 0; i < n && all; i++) {
                    all = elements != null && elements.get(i) || used.contains(withIndex(a, i));
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
