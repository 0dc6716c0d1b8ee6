package org.ppl4j.runtime.trace;

import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.ChoiceMap;

/**
 * {@code normalize(p, obs, proposal: q, particles: k)}: an approximation of the posterior p(z | obs) by
 * sampling importance resampling. {@code sim} draws k traces z_i from q, weights each by
 * p(z_i, obs) / q(z_i) and returns one of them with probability proportional to its weight, using the run's
 * random stream. The draw carries no gradient (proposal and weights are evaluated with parameters detached):
 * the wake-sleep objectives use it as a fixed target. It has no tractable density.
 */
public final class Normalized implements GenerativeFunction {
    private final GenerativeFunction model;
    private final ChoiceMap observations;
    private final GenerativeFunction proposal;
    private final int particles;

    public Normalized(GenerativeFunction model, ChoiceMap observations, GenerativeFunction proposal, int particles) {
        if (particles < 1) {
            throw new IllegalArgumentException("normalize: 'particles' must be at least 1, got " + particles);
        }
        this.model = model;
        this.observations = observations;
        this.proposal = proposal;
        this.particles = particles;
    }

    @Override
    public String name() {
        return "normalize(" + model.name() + ")";
    }

    @Override
    public ChoiceMap simulate(PplContext context, EstimationContext estimation, ParamProvider params) {
        if (estimation.batch() > 0) {
            throw new org.ppl4j.runtime.ad.NotBatchable("sim of a normalized model (resampling has no batching rule)");
        }
        Rng rng = estimation.rng();
        ParamProvider frozen = DetachedParams.of(params);
        SamplingContext sampling = new SamplingContext(rng);
        ChoiceMap[] traces = new ChoiceMap[particles];
        double[] logWeights = new double[particles];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < particles; i++) {
            traces[i] = proposal.simulate(context, sampling, frozen);
            double lp = AD.scalarValue(model.density(context, ChoiceMap.merge(traces[i], observations), frozen));
            double lq = AD.scalarValue(proposal.density(context, traces[i], frozen));
            logWeights[i] = lp - lq;
            max = Math.max(max, logWeights[i]);
        }
        if (particles == 1) {
            return traces[0];
        }
        if (!(max > Double.NEGATIVE_INFINITY) || Double.isNaN(max)) {
            throw new IllegalArgumentException("normalize: every proposal has weight zero (or NaN) under "
                    + model.name() + "; the proposal does not cover the posterior");
        }
        double total = 0;
        for (int i = 0; i < particles; i++) {
            logWeights[i] = Math.exp(logWeights[i] - max);
            total += logWeights[i];
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < particles; i++) {
            u -= logWeights[i];
            if (u < 0) {
                return traces[i];
            }
        }
        return traces[particles - 1];
    }

    @Override
    public Object density(PplContext context, ChoiceMap choices, ParamProvider params) {
        throw new IllegalArgumentException("density(" + name() + "): a normalized model has no tractable density;"
                + " draw from it with z ~ sim(normalize(...))");
    }

    @Override
    public String toString() {
        return name();
    }
}
