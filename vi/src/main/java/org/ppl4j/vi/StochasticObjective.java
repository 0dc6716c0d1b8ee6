package org.ppl4j.vi;

import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.param.ParamProvider;

/**
 * An objective to maximise whose gradient is estimated by one random run (a "particle"): an ELBO estimator,
 * a log likelihood, or any differentiable Monte Carlo surrogate.
 */
@FunctionalInterface
public interface StochasticObjective {
    /**
     * Runs once with parameters from {@code params} (tracked during a fit) and randomness from {@code rng}.
     * The result's {@link Evaluation#surrogate()} is a scalar whose gradient is the gradient estimate and
     * {@link Evaluation#value()} the estimate of the objective itself.
     */
    Evaluation evaluate(ParamProvider params, Rng rng);
}
