package org.ppl4j.runtime.trace;

import java.util.List;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.EstimationContext;
import org.ppl4j.runtime.estimate.Site;

/** An estimation context that only samples: no gradients, every strategy draws a plain value from {@code rng}. */
public final class SamplingContext implements EstimationContext {
    private final Rng rng;

    public SamplingContext(Rng rng) {
        this.rng = rng;
    }

    @Override
    public Rng rng() {
        return rng;
    }

    @Override
    public Rng auxRng() {
        return rng;
    }

    @Override
    public boolean differentiating() {
        return false;
    }

    @Override
    public Object scored(Site site, Object x, Object logProb, Baseline baseline) {
        return x;
    }

    @Override
    public Object enumerated(Site site, Distribution distribution, List<Object> values) {
        return distribution.sample(rng);
    }

    @Override
    public Object measureValued(Site site, Distribution distribution, Object x) {
        return x;
    }

    @Override
    public void markPath(Site site) {
    }

    @Override
    public void markRelaxed(Site site) {
    }
}
