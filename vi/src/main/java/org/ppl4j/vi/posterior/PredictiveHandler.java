package org.ppl4j.vi.posterior;

import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.estimate.Site;
import org.ppl4j.runtime.trace.BatchedSites;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.trace.SamplingContext;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;

/**
 * Runs a model for predictive sampling: a choice whose address is in {@code fixed} (a guide's draw of the latents)
 * takes that value, every other choice (the observed ones included) is drawn afresh from its distribution. With
 * nothing fixed this is a draw of the prior predictive. Records every choice, and every {@code track}ed value, in
 * {@link #trace()}.
 */
final class PredictiveHandler implements Handler {
    private final ChoiceMap fixed;
    private final ParamProvider params;
    private final Rng rng;
    private final String modelName;
    private final ChoiceMap trace = new ChoiceMap();
    private Handler.Iterations iterations;
    /** k for a run that makes k predictive draws at once (each value batched along a leading axis), else 0. */
    private final int batch;
    private final SamplingContext sampling;

    PredictiveHandler(ChoiceMap fixed, ParamProvider params, Rng rng, String modelName) {
        this(fixed, params, rng, modelName, 0);
    }

    /**
     * @param batch k when the model runs once for k draws: {@code fixed} holds batched values, and every other
     *     choice draws k values at once ({@link BatchedSites}); 0 for one draw
     */
    PredictiveHandler(ChoiceMap fixed, ParamProvider params, Rng rng, String modelName, int batch) {
        this.fixed = fixed;
        this.params = params;
        this.rng = rng;
        this.modelName = modelName;
        this.batch = batch;
        this.sampling = new SamplingContext(rng, batch);
    }

    @Override
    public Object sample(String owner, Address address, Object distribution, GradientStrategy strategy) {
        Distribution d = Handler.modelDistribution(distribution, modelName);
        if (iterations != null) {
            address = iterations.scope(address);
        }
        Object given = fixed.entries().get(address);
        Object value = given != null ? given
                : batch > 0 ? BatchedSites.sample(d, new Site(owner, address), strategy, sampling, batch) : d.sample(rng);
        trace.put(address, value);
        return value;
    }

    /** A tracked quantity joins the run's record like a choice (predictive output has every site's value). */
    @Override
    public void track(Address address, Object value) {
        trace.put(iterations == null ? address : iterations.scope(address),
                value instanceof org.ppl4j.runtime.ad.Batched ? value : org.ppl4j.runtime.ad.AD.value(value));
    }

    @Override
    public void enterIteration(int i) {
        if (iterations == null) {
            iterations = new Handler.Iterations();
        }
        iterations.enter(i);
    }

    @Override
    public void exitIteration() {
        if (iterations != null) {
            iterations.exit();
        }
    }

    @Override
    public ParamProvider params() {
        return params;
    }

    ChoiceMap trace() {
        return trace;
    }
}
