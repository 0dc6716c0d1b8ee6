package org.ppl4j.runtime.ad;

/**
 * Thrown while a vectorised {@code replicate} or {@code map} body runs (see {@link Batched}) when it does something
 * that has no batching rule: the body is then run as a loop instead. Never reaches users: a run that is not
 * vectorised never throws it.
 */
public final class NotBatchable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean lasting;

    /** @param why what the body did, for {@code replicate(k, vectorise: true)}'s error */
    public NotBatchable(String why) {
        this(why, true);
    }

    /**
     * @param lasting whether the body will fail the same way on every run (a builtin, an operation, a strategy), so
     *                that the loop can be chosen from now on; false for a failure that depends on the values drawn
     */
    public NotBatchable(String why, boolean lasting) {
        super(why, null, false, false);
        this.lasting = lasting;
    }

    public boolean lasting() {
        return lasting;
    }
}
