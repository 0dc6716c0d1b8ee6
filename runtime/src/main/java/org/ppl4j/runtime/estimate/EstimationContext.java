package org.ppl4j.runtime.estimate;

import org.ppl4j.runtime.Rng;

/** What a strategy may use while the surrogate of one objective run is being built. */
public interface EstimationContext {
    Rng rng();

    /**
     * Registers a score-function term: {@code logProb} is log q(x; theta) at the (detached) sample x. The
     * surrogate multiplies the objective by DiCE's magic box of it; a baseline, if any, is subtracted.
     */
    void addScore(Object logProb, Baseline baseline, String siteKey);

    /** Whether gradients are being estimated (false while sampling for summaries). */
    boolean differentiating();
}
