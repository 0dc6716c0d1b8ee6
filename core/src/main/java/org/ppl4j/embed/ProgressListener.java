package org.ppl4j.embed;

/**
 * Told of each step of each fit a program runs, with the step's objective; and of each epoch of a minibatched
 * fit ({@code fit(..., data: ..., batch_size: ...)}). Calls come from the thread that runs the program, between
 * steps: a slow listener slows the fit. To stop a fit early, call {@link PplProgram#cancel()} (from the listener
 * or from any other thread).
 *
 * <pre>{@code
 * PplOptions options = PplOptions.defaults().withProgressListener(step -> {
 *     if (step.step() % 500 == 0) {
 *         System.out.printf("fit %d: step %d/%d, objective %.3f%n", step.fit(), step.step(), step.steps(),
 *                 step.objective());
 *     }
 * });
 * try (PplProgram program = Ppl.compile(Path.of("examples/coin.ppl"), options)) {
 *     program.run();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {
    /** After each completed step. */
    void onStep(Step step);

    /** After each epoch of a minibatched fit; nothing by default. */
    default void onEpoch(Epoch epoch) {
    }

    /**
     * One completed fit step.
     *
     * @param fit which fit of the program: 1 for the first it runs, then 2, ... (counting on across runs)
     * @param step the step just completed, 1-based
     * @param steps the steps of the whole fit
     * @param objective the step's estimate of the objective (for {@code elbo}: the ELBO, to be maximised)
     */
    record Step(int fit, int step, int steps, double objective) {
    }

    /**
     * One completed epoch of a minibatched fit.
     *
     * @param fit which fit of the program, as in {@link Step#fit()}
     * @param epoch the epoch just completed, 1-based
     * @param objective the mean of the epoch's step estimates of the full-data objective
     */
    record Epoch(int fit, int epoch, double objective) {
    }
}
