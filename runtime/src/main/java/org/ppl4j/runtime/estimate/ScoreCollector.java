package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;

/**
 * Collects the score-function terms of one run and builds its DiCE surrogate (DESIGN.md section 2). The
 * objective runtime uses it, and so do the estimator tests, so both check the same construction.
 */
public class ScoreCollector implements EstimationContext {
    private record Score(Object logProb, Baseline baseline, String siteKey) {
    }

    private final Rng rng;
    private final BaselineStore baselines;
    private final boolean differentiating;
    private final List<Score> scores = new ArrayList<>();

    public ScoreCollector(Rng rng, BaselineStore baselines, boolean differentiating) {
        this.rng = rng;
        this.baselines = baselines;
        this.differentiating = differentiating;
    }

    @Override
    public Rng rng() {
        return rng;
    }

    @Override
    public boolean differentiating() {
        return differentiating;
    }

    @Override
    public void addScore(Object logProb, Baseline baseline, String siteKey) {
        if (differentiating && AD.isTracked(logProb)) {
            scores.add(new Score(AD.sum(logProb), baseline, siteKey));
        }
    }

    /**
     * The surrogate s = v * box(sum of log q) + sum over scores of (1 - box(log q_i)) * b_i. Its value is v;
     * its gradient is the gradient of v plus (v - b_i) times the score of each choice. Baselines then learn
     * from v, so the baseline used in a run never depends on that run's samples.
     */
    public Object surrogate(Object value) {
        if (scores.isEmpty()) {
            return value;
        }
        Object totalScore = 0.0;
        for (Score s : scores) {
            totalScore = AD.add(totalScore, s.logProb());
        }
        Object surrogate = AD.mul(value, AD.magicBox(totalScore));
        double v = AD.scalarValue(value);
        for (Score s : scores) {
            double b = s.baseline().value(s.siteKey(), baselines);
            if (b != 0) {
                surrogate = AD.add(surrogate, AD.mul(AD.sub(1.0, AD.magicBox(s.logProb())), b));
            }
        }
        for (Score s : scores) {
            s.baseline().observe(s.siteKey(), v, baselines);
        }
        return surrogate;
    }
}
