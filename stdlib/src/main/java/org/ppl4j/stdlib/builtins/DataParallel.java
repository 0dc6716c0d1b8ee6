package org.ppl4j.stdlib.builtins;

/**
 * Runs a minibatch {@code fit(f, data: d, batch: B, ...)} data-parallel, set on a context with
 * {@link org.ppl4j.runtime.PplContext#setDataParallel}. On the driver, the fit keeps its parameters, optimiser,
 * checkpoints and summary, and asks {@link #step} for each step's gradient over the distributed data; on an executor,
 * the fit builds a {@link DataParallelWorker} from the program's objective, hands it to {@link #captured} and
 * stops the program ({@link Captured}). The program's data value {@code d} is then a sample of the distributed
 * data's first rows (for the fit's names and settings and its closing summary); {@link #rows} is the real count.
 */
public interface DataParallel {
    /** The number of rows of the distributed data. */
    long rows();

    /** Whether this is an executor's copy of the program (build a worker and stop) rather than the driver. */
    boolean executor();

    /** Executor: the worker of the program's minibatch fit. */
    void captured(DataParallelWorker worker);

    /**
     * Driver: the sum over the distributed data of round {@code round}'s (0-based) gradient at {@code params}: batch
     * step {@code round} when {@link #localSteps} is 1, else the sum along each block's H local steps
     * ({@link DataParallelWorker}).
     */
    DataParallelWorker.Sum step(int round, DataParallelWorker.Params params);

    /** The batch steps each block takes between two of the driver's (1: synchronous steps). */
    default int localSteps() {
        return 1;
    }

    /** Ends an executor's run of the program once its fit's worker is captured. */
    final class Captured extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Captured() {
            super("data-parallel worker captured", null, false, false);
        }
    }
}
