package org.ppl4j.vi;

/**
 * {@code fit(..., tol: 0.01)}: stop when the objective has stopped moving, as Stan's ADVI does with
 * {@code tol_rel_obj}. The objective per step is noisy, so it is smoothed: the mean over each window of
 * {@link #window} steps. After each window the relative change of that mean from the previous window's,
 * {@code |m_t - m_(t-1)| / |m_t|}, is compared with {@code tol}; the fit stops when it has stayed below tol for
 * {@link #PATIENCE} windows in a row (one quiet window can be chance). Stan instead stops when the mean or median of
 * its recent relative changes falls below tol; requiring each of the last few keeps a fit that still drifts
 * slowly from stopping on one lucky window.
 */
public final class Convergence {
    /** Consecutive windows whose relative change must be below tol. */
    public static final int PATIENCE = 3;

    private final double tol;
    private final int window;
    private double sum;
    private int inWindow;
    private double previous = Double.NaN;
    private int quiet;

    /**
     * @param tol the relative change below which the objective counts as settled (positive)
     * @param steps the fit's steps: the window is a twentieth of them, at least 10 and at most 100 steps
     */
    public Convergence(double tol, int steps) {
        if (!(tol > 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("'tol' must be a positive number, got " + tol);
        }
        this.tol = tol;
        this.window = Math.max(10, Math.min(100, steps / 20));
    }

    public int window() {
        return window;
    }

    /** Takes the objective of one more step; true when the fit should stop after it. */
    public boolean settled(double objective) {
        sum += objective;
        if (++inWindow < window) {
            return false;
        }
        double mean = sum / window;
        sum = 0;
        inWindow = 0;
        if (!Double.isNaN(previous)) {
            double change = Math.abs(mean - previous) / Math.max(Math.abs(mean), 1e-12);
            quiet = change < tol ? quiet + 1 : 0;
        }
        previous = mean;
        return quiet >= PATIENCE;
    }
}
