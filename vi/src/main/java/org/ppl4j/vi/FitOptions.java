package org.ppl4j.vi;

import java.util.function.IntConsumer;

/**
 * How to run {@link Fit#run}.
 *
 * @param steps number of optimisation steps (default 1000)
 * @param particles runs of the objective averaged per step (default 1)
 * @param optimizer the optimiser, stateful (default a fresh {@code Adam(0.01)})
 * @param seed seed for the random stream when the caller does not pass an {@code Rng} (default 0)
 * @param listener told after each step, or {@code null}
 */
public record FitOptions(int steps, int particles, Optimizer optimizer, long seed, FitListener listener) {
    public static final int DEFAULT_STEPS = 1000;
    public static final int DEFAULT_PARTICLES = 1;
    public static final double DEFAULT_LR = 0.01;

    public FitOptions {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be non-negative, got " + steps);
        }
        if (particles < 1) {
            throw new IllegalArgumentException("particles must be at least 1, got " + particles);
        }
        if (optimizer == null) {
            optimizer = new Adam(DEFAULT_LR);
        }
    }

    /** All defaults, with a fresh Adam(0.01). */
    public static FitOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().steps(steps).particles(particles).optimizer(optimizer).seed(seed).listener(listener);
    }

    public FitOptions withSteps(int n) {
        return new FitOptions(n, particles, optimizer, seed, listener);
    }

    public FitOptions withParticles(int n) {
        return new FitOptions(steps, n, optimizer, seed, listener);
    }

    public FitOptions withOptimizer(Optimizer o) {
        return new FitOptions(steps, particles, o, seed, listener);
    }

    public FitOptions withSeed(long s) {
        return new FitOptions(steps, particles, optimizer, s, listener);
    }

    public FitOptions withListener(FitListener l) {
        return new FitOptions(steps, particles, optimizer, seed, l);
    }

    public static final class Builder {
        private int steps = DEFAULT_STEPS;
        private int particles = DEFAULT_PARTICLES;
        private Optimizer optimizer;
        private long seed;
        private FitListener listener;

        private Builder() {
        }

        public Builder steps(int n) {
            steps = n;
            return this;
        }

        public Builder particles(int n) {
            particles = n;
            return this;
        }

        public Builder optimizer(Optimizer o) {
            optimizer = o;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder listener(FitListener l) {
            listener = l;
            return this;
        }

        /** A progress callback that receives only the (1-based) step number; {@code null} clears it. */
        public Builder progress(IntConsumer onStep) {
            listener = onStep == null ? null : (step, objective) -> onStep.accept(step);
            return this;
        }

        public FitOptions build() {
            return new FitOptions(steps, particles, optimizer, seed, listener);
        }
    }
}
