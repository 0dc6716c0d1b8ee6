package org.ppl4j.estimators;

import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;

/**
 * An exponentially decaying average of the past costs this site's score multiplied (its downstream terms): b <- decay b + (1 - decay) v.
 * It uses only earlier runs, so it never moves the mean of the estimate. Until the first value is seen it is 0.
 */
public final class RunningMeanBaseline implements Baseline {
    public static final double DEFAULT_DECAY = 0.9;

    private final double decay;

    public RunningMeanBaseline(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("running_mean: the decay must be in [0, 1), got " + decay);
        }
        this.decay = decay;
    }

    @Override
    public double value(String siteKey, BaselineStore store) {
        return store.state(siteKey, 2)[0];
    }

    @Override
    public void observe(String siteKey, double cost, BaselineStore store) {
        if (!Double.isFinite(cost)) {
            return;
        }
        double[] s = store.state(siteKey, 2);
        // s[1] counts observations so that the first value is taken whole rather than shrunk towards 0
        s[0] = s[1] == 0 ? cost : decay * s[0] + (1 - decay) * cost;
        s[1] += 1;
    }

    @Override
    public String describe() {
        return "running_mean(" + decay + ")";
    }
}
