package org.ppl4j.estimators;

import org.ppl4j.runtime.estimate.Baseline;
import org.ppl4j.runtime.estimate.BaselineStore;

/**
 * A decaying average of the past costs this site's score multiplied (its downstream terms):
 * b <- decay b + (1 - decay) v, after a warm-up in which b is the plain mean of the n costs seen while
 * n < 1 / (1 - decay) (a decaying average from the start would lean on its first few costs for dozens of steps).
 * It uses only earlier runs, so it never moves the mean of the estimate. Until the first value is seen it is 0.
 *
 * <p>{@code running_mean(decay)} keeps one such average. {@code running_mean}, the default, keeps two, over about
 * 10 and 100 costs (decays 0.9 and 0.99), and uses the one whose predictions of the costs, made before each was
 * seen, have been closer lately: the long one while the costs are steady (it is less noisy: at fixed parameters
 * it takes the excess variance of a decay-0.9 average down by about two thirds), the short one while they move
 * (as early in a fit, where a long average lags and multiplies the variance several times). Either way the
 * baseline depends on earlier costs only.
 */
public final class RunningMeanBaseline implements Baseline {
    public static final double DEFAULT_DECAY = 0.9;
    /** The long average of the adaptive default. */
    static final double SLOW_DECAY = 0.99;
    /** How fast the adaptive default forgets how well each average predicted. */
    static final double ERROR_DECAY = 0.95;

    /** The default: two averages, the better predictor of late. */
    public static final RunningMeanBaseline ADAPTIVE = new RunningMeanBaseline(DEFAULT_DECAY, true);

    // state: [0] count, [1] short (or only) average, [2] long average, [3] and [4] their mean squared errors
    private static final int COUNT = 0;
    private static final int FAST = 1;
    private static final int SLOW = 2;
    private static final int FAST_ERROR = 3;
    private static final int SLOW_ERROR = 4;

    private final double decay;
    private final boolean adaptive;

    /** One average with this decay. */
    public RunningMeanBaseline(double decay) {
        this(decay, false);
    }

    private RunningMeanBaseline(double decay, boolean adaptive) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("running_mean: the decay must be in [0, 1), got " + decay);
        }
        this.decay = decay;
        this.adaptive = adaptive;
    }

    private static double[] state(String siteKey, BaselineStore store) {
        double[] s = store.state(siteKey, 5);
        return s.length >= 5 ? s : null;
    }

    @Override
    public double value(String siteKey, BaselineStore store) {
        double[] s = state(siteKey, store);
        if (s == null) {
            return store.state(siteKey, 5)[0]; // a checkpoint of the older form: [average, count]
        }
        if (!adaptive) {
            return s[FAST];
        }
        return s[SLOW_ERROR] <= s[FAST_ERROR] ? s[SLOW] : s[FAST];
    }

    @Override
    public void observe(String siteKey, double cost, BaselineStore store) {
        if (!Double.isFinite(cost)) {
            return;
        }
        double[] s = state(siteKey, store);
        if (s == null) {
            double[] old = store.state(siteKey, 5);
            old[1] += 1;
            old[0] += Math.max(1 - decay, 1 / old[1]) * (cost - old[0]);
            return;
        }
        double n = s[COUNT] + 1;
        if (adaptive && n > 1) {
            double w = Math.max(1 - ERROR_DECAY, 1 / (n - 1));
            double fast = cost - s[FAST];
            double slow = cost - s[SLOW];
            s[FAST_ERROR] += w * (fast * fast - s[FAST_ERROR]);
            s[SLOW_ERROR] += w * (slow * slow - s[SLOW_ERROR]);
        }
        s[COUNT] = n;
        s[FAST] += Math.max(1 - decay, 1 / n) * (cost - s[FAST]);
        if (adaptive) {
            s[SLOW] += Math.max(1 - SLOW_DECAY, 1 / n) * (cost - s[SLOW]);
        }
    }

    @Override
    public String describe() {
        return adaptive ? "running_mean" : "running_mean(" + decay + ")";
    }
}
