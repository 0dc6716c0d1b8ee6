package org.ppl4j.estimators;

import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
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
        if (!AD.isNumeric(value)) {
            throw new IllegalArgumentException("a baseline must be a number or a tensor of one per independent"
                    + " element, got " + AD.describe(value));
        }
        this.value = value;
    }

    @Override
    public double value(String siteKey, BaselineStore store) {
        if (AD.isTensor(value)) {
            throw new IllegalArgumentException("a baseline tensor (" + AD.describe(value) + ") needs a tensor choice"
                    + " with independent elements (in local), one baseline per element");
        }
        return AD.scalarValue(value);
    }

    /** A number: the same baseline for every element; a tensor: one per element, of the elements' count. */
    @Override
    public double[] elementValues(String siteKey, int n, BaselineStore store) {
        double[] b = new double[n];
        if (!AD.isTensor(value)) {
            java.util.Arrays.fill(b, AD.scalarValue(value));
            return b;
        }
        double[] v = AD.tensorValue(value).toArray();
        if (v.length != n) {
            throw new IllegalArgumentException("a baseline tensor of " + v.length + " values for a choice of " + n
                    + " independent elements (" + AD.describe(value) + ")");
        }
        return v;
    }

    @Override
    public Object elementLearningTerm(double[] costs) {
        if (!AD.isTracked(value)) {
            return null;
        }
        Tensor c = AD.isTensor(value) ? new Tensor(AD.tensorValue(value).shape(), costs.clone())
                : new Tensor(new int[] {costs.length}, costs.clone());
        return AD.neg(AD.sum(AD.square(AD.sub(c, value))));
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
