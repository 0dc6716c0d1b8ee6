package org.ppl4j.runtime.estimate;

/** A control variate for score-function terms: its value must not depend on the current sample. */
public interface Baseline {
    /** The baseline for this site now, before the current run's value is known. */
    double value(String siteKey, BaselineStore store);

    /** Learns from the value the site's score multiplied in a finished run (its downstream cost). */
    void observe(String siteKey, double cost, BaselineStore store);

    String describe();

    /**
     * A term added to the surrogate to train a baseline computed by the program (its parameters learn to
     * predict the cost), or null. It changes the gradient of the baseline's own parameters only.
     */
    default Object learningTerm(double cost) {
        return null;
    }

    /**
     * The baselines of the n independent elements of a tensor choice, each learned from that element's own past
     * costs (state key {@code site[i]}, as the same model written one choice per element would keep).
     */
    default double[] elementValues(String siteKey, int n, BaselineStore store) {
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = value(SurrogateBuilder.elementKey(siteKey, i), store);
        }
        return b;
    }

    /** Learns from each element's downstream cost. */
    default void observeElements(String siteKey, double[] costs, BaselineStore store) {
        for (int i = 0; i < costs.length; i++) {
            observe(SurrogateBuilder.elementKey(siteKey, i), costs[i], store);
        }
    }

    /** {@link #learningTerm} for the elements' costs, or null. */
    default Object elementLearningTerm(double[] costs) {
        return null;
    }

    /** Whether the value comes from the other particles of the same step (leave-one-out) rather than state. */
    default boolean acrossParticles() {
        return false;
    }

    /** No baseline: the plain score-function estimator. */
    Baseline NONE = new Baseline() {
        @Override
        public double value(String siteKey, BaselineStore store) {
            return 0;
        }

        @Override
        public void observe(String siteKey, double cost, BaselineStore store) {
        }

        @Override
        public String describe() {
            return "none";
        }
    };
}
