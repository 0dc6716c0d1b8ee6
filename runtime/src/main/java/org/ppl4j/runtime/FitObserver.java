package org.ppl4j.runtime;

/**
 * Told of every fit a context runs, step by step, from the thread that runs it: the embedding API's progress
 * listeners and cancellation ({@code org.ppl4j.embed.PplOptions#withProgressListener}, {@code PplProgram#cancel}).
 * An exception it throws ends the fit, and the program, with an error at the {@code fit} call.
 */
public interface FitObserver {
    /**
     * After each completed step.
     *
     * @param fit which fit of the context: 1 for the first it runs, then 2, ...
     * @param step the step just completed, 1-based (a resumed fit starts after its checkpoint's steps)
     * @param steps the steps of the whole fit
     * @param objective the step's estimate of the objective
     */
    void onStep(int fit, int step, int steps, double objective);

    /** After each epoch of a minibatched fit: the epoch (1-based) and the mean objective estimate over it. */
    default void onEpoch(int fit, int epoch, double objective) {
    }
}
