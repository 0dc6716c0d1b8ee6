package org.ppl4j.estimators;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;

/**
 * {@code by reinforce(baseline: e)}: a baseline the program computes for each sample (a network's output, a
 * parameter), evaluated before the sample is drawn so that it cannot depend on it. It is trained jointly: the
 * surrogate gets -(stop(cost) - b)^2, whose gradient moves b's parameters towards the expected cost.
 */
public final class LearnedBaseline implements Baseline {
    /** The option name the estimate pass uses for "a baseline expression" before its value exists. */
    public static final String PLACEHOLDER = "<expression>";
    /** The strategy's baseline until the program supplies the value. */
    public static final Baseline PENDING = new Baseline() {
        @Override
        public double value(String siteKey, BaselineStore store) {
            throw new IllegalStateException("the learned baseline was not computed");
        }

        @Override
        public void observe(String siteKey, double cost, BaselineStore store) {
        }

        @Override
        public String describe() {
            return "learned";
        }
    };

    private final Object value;

    public LearnedBaseline(Object value) {
        if (!AD.isNumeric(value) || AD.isTensor(value)) {
            throw new IllegalArgumentException("a baseline must be a number, got " + AD.describe(value));
        }
        this.value = value;
    }

    @Override
    public double value(String siteKey, BaselineStore store) {
        return AD.scalarValue(value);
    }

    @Override
    public void observe(String siteKey, double cost, BaselineStore store) {
    }

    @Override
    public Object learningTerm(double cost) {
        return AD.isTracked(value) ? AD.neg(AD.square(AD.sub(cost, value))) : null;
    }

    @Override
    public String describe() {
        return "learned";
    }
}
