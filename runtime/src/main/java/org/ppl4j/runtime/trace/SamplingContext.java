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
    private final int batch;

    public SamplingContext(Rng rng) {
        this(rng, 0);
    }

    /** @param batch k to draw each site's values for k runs at once along a leading axis (see {@code BatchedSites}), or 0 */
    public SamplingContext(Rng rng, int batch) {
        this.rng = rng;
        this.batch = batch;
    }

    @Override
    public int batch() {
        return batch;
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
