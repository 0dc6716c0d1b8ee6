package org.ppl4j.estimators;

import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;

/**
 * VIMCO-style leave-one-out: with k particles per step, particle j's baseline for a choice is the mean of the
 * downstream costs of the same choice in the other k - 1 particles. Independent of particle j's sample, so
 * unbiased; needs {@code particles} of at least 2 to do anything (with one particle it is no baseline).
 */
public final class LeaveOneOutBaseline implements Baseline {
    public static final LeaveOneOutBaseline INSTANCE = new LeaveOneOutBaseline();

    private LeaveOneOutBaseline() {
    }

    @Override
    public double value(String siteKey, BaselineStore store) {
        return 0;
    }

    @Override
    public void observe(String siteKey, double cost, BaselineStore store) {
    }

    @Override
    public boolean acrossParticles() {
        return true;
    }

    @Override
    public String describe() {
        return "leave_one_out";
    }
}
