package org.ppl4j.vi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.param.ParamKey;

/** Stochastic gradient ascent on a {@link StochasticObjective}. */
public final class Fit {
    private Fit() {
    }

    /** {@link #run(StochasticObjective, ParamStore, FitOptions, Rng)} with {@code new Rng(options.seed())}. */
    public static FitHistory run(StochasticObjective objective, ParamStore store, FitOptions options) {
        return run(objective, store, options, new Rng(options.seed()));
    }

    /**
     * Runs {@code options.steps()} steps. Each step evaluates the objective {@code particles} times on one new
     * tape with the store's parameters tracked, differentiates the mean surrogate, and hands the gradients
     * (with respect to the unconstrained values) to the optimiser. Parameters the objective creates during a
     * step are optimised from that step on.
     *
     * @throws FitDivergedException if a step's objective value, any gradient element, a distribution's argument
     *     or a parameter after the update is NaN or infinite; the store then holds the values that step started
     *     from
     */
    public static FitHistory run(StochasticObjective objective, ParamStore store, FitOptions options, Rng rng) {
        return resume(objective, store, options, rng, new double[0]);
    }

    /**
     * Continues a fit whose first {@code completed.length} steps have already run (their objective values in
     * {@code completed}): the store, the optimiser of {@code options} and {@code rng} must hold the state those
     * steps left, as a {@link Checkpoint} restores it. Runs the remaining steps, so that the result, the
     * parameters and the random source end exactly as an uninterrupted {@link #run} would leave them.
     */
    public static FitHistory resume(StochasticObjective objective, ParamStore store, FitOptions options, Rng rng,
            double[] completed) {
        return resume(objective, store, options, rng, completed, null);
    }

    /**
     * {@link #resume(StochasticObjective, ParamStore, FitOptions, Rng, double[])} that stops early once
     * {@code stop} says the objective has settled (fed every step, the completed ones included); the history then
     * ends at the step it stopped after. {@code stop} may be null.
     */
    public static FitHistory resume(StochasticObjective objective, ParamStore store, FitOptions options, Rng rng,
            double[] completed, Convergence stop) {
        int steps = options.steps();
        if (completed.length > steps) {
            throw new IllegalArgumentException("cannot resume after step " + completed.length + " of a fit of "
                    + steps + " steps");
        }
        int particles = options.particles();
        Optimizer optimizer = options.optimizer();
        FitListener listener = options.listener();
        // grown as the steps run, not reserved: a fit of 10^9 steps starts without asking for 8 GB
        double[][] history = {Arrays.copyOf(completed, Math.min(steps, Math.max(completed.length, 1024)))};
        int ran;
        try {
            int settledAt = 0;
            for (int i = 0; stop != null && i < completed.length && settledAt == 0; i++) {
                settledAt = stop.settled(completed[i]) ? i + 1 : 0;
            }
            ran = settledAt > 0 ? settledAt : runSteps(objective, store, rng, completed.length + 1, steps, particles,
                    optimizer, listener, history, stop);
        } finally {
            store.releaseTracked(); // do not keep the last step's tape alive
            Tensor.releasePool(); // the buffers the steps freed and kept for the next
            if (listener != null) {
                listener.onEnd();
            }
        }
        return new FitHistory(Arrays.copyOf(history[0], ran));
    }

    /** Runs steps {@code first..steps}; returns the last step run (earlier when {@code stop} settles). */
    private static int runSteps(StochasticObjective objective, ParamStore store, Rng rng, int first, int steps,
            int particles, Optimizer optimizer, FitListener listener, double[][] grown, Convergence stop) {
        double lastFinite = first > 1 ? grown[0][first - 2] : Double.NaN;
        // ppl run may hand a long fit over to a JVM whose C2 compiles the runtime (HandOver); null when not
        org.ppl4j.runtime.ad.HandOver.FitWatch watch = org.ppl4j.runtime.ad.HandOver.watchFit();
        for (int step = first; step <= steps; step++) {
            if (step > grown[0].length) {
                grown[0] = Arrays.copyOf(grown[0], (int) Math.min(steps, 2L * grown[0].length));
            }
            double[] history = grown[0];
            Tape tape = new Tape();
            TrackedParams params = store.tracked(tape);
            // every large tensor the step makes is freed when it ends, but for those the store keeps (the new
            // parameters) and those the program stored where they outlive it (see Tensor.openStep)
            Tensor.openStep();
            try {
                step(objective, store, rng, step, particles, optimizer, params, tape, history, lastFinite);
            } finally {
                Tensor.endStep();
            }
            lastFinite = history[step - 1];
            if (listener != null) {
                listener.onStep(new FitState(step, steps, history, store, optimizer, rng));
            }
            if (stop != null && stop.settled(history[step - 1])) {
                return step;
            }
            if (watch != null) {
                watch.step(steps - step);
            }
        }
        return steps;
    }

    /** One step: the objective's estimate, its gradient, the optimiser's update; records the value in history. */
    private static void step(StochasticObjective objective, ParamStore store, Rng rng, int step, int particles,
            Optimizer optimizer, TrackedParams params, Tape tape, double[] history, double lastFinite) {
        Object total = null;
        double valueSum = 0;
        for (int k = 0; k < particles; k++) {
            Evaluation e;
            try {
                e = objective.evaluate(params, rng);
            } catch (RuntimeException fault) {
                String what = nonFiniteArgument(fault);
                if (what == null) {
                    throw fault;
                }
                throw diverged(step, what, null, lastFinite, store, history);
            }
            Object s = e.surrogate();
            if (!AD.isNumeric(s) || AD.isTensor(s)) {
                throw new IllegalArgumentException("the objective's surrogate must be a number, got "
                        + AD.describe(s));
            }
            total = total == null ? s : AD.add(total, s);
            valueSum += e.value();
        }
        Object surrogate = particles == 1 ? total : AD.div(total, (double) particles);
        double value = valueSum / particles;
        if (!Double.isFinite(value)) {
            throw diverged(step, "the objective is " + value, null, lastFinite, store, history);
        }
        tape.backward(surrogate);
        Map<ParamKey, Object> gradients = params.gradients();
        for (Map.Entry<ParamKey, Object> g : gradients.entrySet()) {
            String bad = nonFinite(g.getValue());
            if (bad != null) {
                throw diverged(step, "the gradient of " + g.getKey() + " is " + bad, g.getKey(), lastFinite, store,
                        history);
            }
        }
        store.beginUpdate();
        Map.Entry<ParamKey, Object> bad;
        try {
            optimizer.step(store, gradients);
        } finally {
            bad = store.commitUpdate();
        }
        if (bad != null) {
            throw diverged(step, "the update makes " + bad.getKey() + " " + nonFinite(bad.getValue()), bad.getKey(),
                    lastFinite, store, history);
        }
        history[step - 1] = value;
    }

    /**
     * A distribution given a NaN or infinite argument while the objective ran (as {@code normal(log(a), 1)} when
     * {@code a} crosses zero) is a numerical fault of the fit, reported as a divergence: "the argument 'mu' of
     * normal is NaN at model.ppl:3:5". Null for any other error, which stays the program's.
     */
    private static String nonFiniteArgument(Throwable fault) {
        org.ppl4j.runtime.error.PplException positioned = null;
        for (Throwable t = fault; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof org.ppl4j.runtime.error.PplException p && positioned == null) {
                positioned = p;
            }
            if (t instanceof DistributionArgumentException d) {
                if (Double.isFinite(d.got())) {
                    return null;
                }
                String where = "";
                if (positioned != null && positioned.section() != null && positioned.section().isAvailable()) {
                    var s = positioned.section();
                    where = " at " + s.getSource().getName() + ":" + s.getStartLine() + ":" + s.getStartColumn();
                }
                return "the argument '" + d.argument() + "' of " + d.distribution() + " is " + d.got() + where;
            }
        }
        return null;
    }

    /** "NaN", "Infinity" (with " at element i" for tensors) for a non-finite value, else null. */
    private static String nonFinite(Object gradient) {
        if (gradient instanceof Double d) {
            return Double.isFinite(d) ? null : d.toString();
        }
        Tensor t = (Tensor) gradient;
        if (t.allMatch(Tensor.Check.FINITE)) {
            return null; // one kernel for a large gradient; the element is only looked for when there is one
        }
        for (int i = 0; i < t.size(); i++) {
            double x = t.get(i);
            if (!Double.isFinite(x)) {
                return x + " at element " + i;
            }
        }
        return null;
    }

    private static FitDivergedException diverged(int step, String what, ParamKey key, double lastFinite,
            ParamStore store, double[] history) {
        String last = Double.isNaN(lastFinite) ? "no step completed" : "last finite objective: " + format(lastFinite);
        String message = "fit diverged at step " + step + ": " + what + " (" + last + ")";
        return new FitDivergedException(message, step, key, lastFinite, store.constrainedValues(),
                Arrays.copyOf(history, step - 1));
    }

    /** Six significant digits, no trailing zeros: -6.12, 1234.57, 1.5E-7. */
    static String format(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        return new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros().toString();
    }
}
