package org.ppl4j.vi;

/**
 * One run of a {@link StochasticObjective}.
 *
 * @param surrogate a scalar ({@code Double} or a tracked {@code Var}) whose gradient with respect to the
 *     parameters is the gradient estimate; its value need not equal the objective (e.g. DiCE surrogates)
 * @param value the primal objective estimate of this run
 */
public record Evaluation(Object surrogate, double value) {
}
