package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;

/** Samples each choice with its gradient strategy and records it: Gen's simulate. */
public final class SimulateHandler implements Handler {
    private final EstimationContext estimation;
    private final ParamProvider params;
    private final String modelName;
    private final ChoiceMap trace = new ChoiceMap();
    private Object returnValue;
    private Iterations iterations; // created by the first replicate or map in the model
    private final java.util.List<Simulation.Site> sites = new java.util.ArrayList<>();
    private int localDepth;

    /** The independent leading axes declared by the enclosing local blocks, innermost last. */
    private int[] localAxes = new int[4];

    @Override
    public void enterLocal() {
        enterLocal(1);
    }

    @Override
    public void enterLocal(int axes) {
        if (localDepth == localAxes.length) {
            localAxes = java.util.Arrays.copyOf(localAxes, localDepth * 2);
        }
        localAxes[localDepth++] = axes;
    }

    @Override
    public void exitLocal() {
        localDepth--;
    }

    /** The sites drawn, in order, for {@link Simulation}. */
    java.util.List<Simulation.Site> sites() {
        return sites;
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

    public SimulateHandler(EstimationContext estimation, ParamProvider params, String modelName) {
        this.estimation = estimation;
        this.params = params;
        this.modelName = modelName;
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        Distribution d = Handler.modelDistribution(distribution, modelName);
        if (iterations != null) {
            address = iterations.scope(address);
        }
        Site site = new Site(owner, address);
        GradientStrategy s = estimation.strategyFor(site, d, strategy);
        estimation.setIndependentAxes(localDepth > 0 ? localAxes[localDepth - 1] : 0);
        int k = estimation.batch();
        Object value = k > 0 ? BatchedSites.sample(d, site, s, estimation, k) : s.sample(d, site, estimation);
        estimation.noteDraw(site, d);
        trace.put(address, value);
        sites.add(new Simulation.Site(owner, address, d, value, localDepth > 0));
        return value;
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    public ChoiceMap trace() {
        return trace;
    }

    void setReturnValue(Object v) {
        this.returnValue = v;
    }

    public Object returnValue() {
        return returnValue;
    }
}
