package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.Printer;

/**
 * One gradient estimate of an objective: runs the program (more than once when choices are enumerated or
 * measure-valued, replaying the same random stream) and builds the surrogate.
 */
public final class ObjectiveEstimator {
    /** More runs than this for one exact enumeration is an error that suggests another strategy. */
    public static final int MAX_ENUMERATION_RUNS = 4096;

    /** What is being estimated: the objective's body, run under a given run's handler. */
    @FunctionalInterface
    public interface Program {
        /** Runs once with {@code run} deciding every random choice; returns the objective's value. */
        Object run(ObjectiveRun run);
    }

    private final PplContext context;
    private final Program program;
    private final String name;
    private final BaselineStore baselines;
    private final boolean raoBlackwellize;
    private final StrategyOverrides overrides;

    public ObjectiveEstimator(PplContext context, ObjectiveInstance objective, BaselineStore baselines,
            boolean raoBlackwellize, StrategyOverrides overrides) {
        this(context, run -> run.run(objective), objective.name(), baselines, raoBlackwellize, overrides);
    }

    /** An estimator of any program, e.g. one written in Java against the strategies (tests, benchmarks). */
    public ObjectiveEstimator(PplContext context, Program program, String name, BaselineStore baselines,
            boolean raoBlackwellize, StrategyOverrides overrides) {
        this.context = context;
        this.program = program;
        this.name = name;
        this.baselines = baselines;
        this.raoBlackwellize = raoBlackwellize;
        this.overrides = overrides;
    }

    /** Set by a run of the current particle that drew a relaxed (Concrete) value. */
    private boolean concrete;
    private double lastRelaxed = Double.NaN;

    private ObjectiveRun newRun(ParamProvider params, Tape tape, Rng rng, Rng aux, ReplayPlan plan, ObjectiveRun base) {
        return new ObjectiveRun(context, params, tape, rng, aux, plan, base).withOverrides(overrides)
                .onConcrete(() -> concrete = true);
    }

    /** One estimate on {@code tape} with parameters from {@code params}, baselines included. */
    public SurrogateBuilder.Result estimate(ParamProvider params, Tape tape, Rng rng) {
        return estimate(params, tape, rng, 1);
    }

    /**
     * The mean of {@code particles} estimates on one tape: their baselines may use each other (leave-one-out).
     */
    public SurrogateBuilder.Result estimate(ParamProvider params, Tape tape, Rng rng, int particles) {
        List<SurrogateBuilder.Result> raw = new ArrayList<>();
        double relaxed = 0;
        lastRelaxed = Double.NaN;
        for (int p = 0; p < particles; p++) {
            raw.add(estimateOne(params, tape, rng));
            relaxed += lastRelaxed;
        }
        lastRelaxed = relaxed / particles;
        if (particles == 1) {
            for (SurrogateBuilder.ScoreTerm t : raw.get(0).scores()) {
                Baseline b = t.choice().baseline();
                if (b.acrossParticles()) {
                    // with one particle there is no other to leave out: it would silently be no baseline
                    throw new IllegalArgumentException("the choice '" + t.choice().site().key() + "' uses reinforce("
                            + "baseline: " + b.describe() + "), which needs particles: 2 or more (the mean of the "
                            + "other particles is its baseline); give particles: k, or baseline: running_mean(0.9)");
                }
            }
        }
        Object surrogate = 0.0;
        double value = 0;
        for (SurrogateBuilder.Result r : SurrogateBuilder.withBaselines(raw, baselines)) {
            surrogate = AD.add(surrogate, r.surrogate());
            value += r.value();
        }
        return new SurrogateBuilder.Result(particles == 1 ? surrogate : AD.div(surrogate, (double) particles),
                value / particles);
    }

    /**
     * The relaxed objective of the last {@link #estimate} (the mean over its particles) when a choice of it was
     * relaxed (the value of the result is then the hard objective), else NaN.
     */
    public double lastRelaxed() {
        return lastRelaxed;
    }

    /**
     * One particle. When a choice was relaxed ({@code relax}), the objective's value at relaxed values is not the
     * objective: the program runs once more on the same random stream, without gradients, with each relaxed draw
     * rounded to the discrete value it stands for (an exact draw of the choice), and that hard value is the
     * result's value; the relaxed one is kept for {@link #lastRelaxed}. Programs without relaxed choices pay nothing.
     */
    private SurrogateBuilder.Result estimateOne(ParamProvider params, Tape tape, Rng rng) {
        long[] start = rng.state();
        concrete = false;
        SurrogateBuilder.Result r = estimateRelaxed(params, tape, rng);
        if (!concrete) {
            lastRelaxed = Double.NaN;
            return r;
        }
        long[] after = rng.state();
        rng.restore(start);
        Rng aux = rng.split();
        ObjectiveRun hard = new ObjectiveRun(context, detached(params), null, rng, aux, ReplayPlan.BASE, null)
                .withOverrides(overrides).hardening();
        double value = AD.scalarValue(scalar(program.run(hard)));
        rng.restore(after);
        lastRelaxed = r.value();
        return new SurrogateBuilder.Result(r.surrogate(), value, r.scores());
    }

    /** The parameters' values without their gradient path (a run that only evaluates). */
    private static ParamProvider detached(ParamProvider params) {
        return params == null ? null : new ParamProvider() {
            @Override
            public Object lookup(org.ppl4j.runtime.param.ParamKey key) {
                return AD.value(params.lookup(key));
            }

            @Override
            public Object create(org.ppl4j.runtime.param.ParamKey key, Object initialValue,
                    org.ppl4j.runtime.param.Constraint constraint) {
                return AD.value(params.create(key, initialValue, constraint));
            }
        };
    }

    private SurrogateBuilder.Result estimateRelaxed(ParamProvider params, Tape tape, Rng rng) {
        Rng aux = rng.split();
        long[] start = rng.state();
        ObjectiveRun first = newRun(params, tape, rng, aux, ReplayPlan.BASE, null);
        Object v0 = scalar(program.run(first));
        if (!first.hasReplayed()) {
            SurrogateBuilder.Result r = SurrogateBuilder.lockstep(List.of(first), List.of(v0), raoBlackwellize);
            return r != null ? r : SurrogateBuilder.plain(first, v0);
        }
        long[] after = rng.state();
        Tape.Decomposition d0 = null;
        EnumerationPlan plan = null;
        if (!tape.controlDependent()) {
            d0 = SurrogateBuilder.decomposition(first, v0, raoBlackwellize);
            plan = EnumerationPlan.of(first, d0.terms());
        }
        if (plan == null) {
            SurrogateBuilder.Result r = fallback(first, v0, params, tape, rng, aux, start);
            rng.restore(after);
            return r;
        }
        if (plan.rounds() > MAX_ENUMERATION_RUNS) {
            throw tooManyRuns();
        }
        List<ObjectiveRun> runs = new ArrayList<>(List.of(first));
        List<Object> values = new ArrayList<>(List.of(v0));
        for (int r = 1; r < plan.rounds(); r++) {
            rng.restore(start);
            ObjectiveRun run = newRun(params, tape, rng, aux, plan.run(r), first);
            values.add(scalar(program.run(run)));
            runs.add(run);
        }
        SurrogateBuilder.Result r = SurrogateBuilder.lockstep(runs, values, raoBlackwellize, plan, d0);
        if (r == null) {
            r = fallback(first, v0, params, tape, rng, aux, start);
        }
        rng.restore(after);
        return r;
    }

    /** When runs cannot be combined term by term: exact product enumeration, or one replay per mvd value. */
    private SurrogateBuilder.Result fallback(ObjectiveRun first, Object v0, ParamProvider params, Tape tape, Rng rng,
            Rng aux, long[] start) {
        boolean enumerated = first.choices().stream().anyMatch(c -> c.kind() == Choice.Kind.ENUM);
        boolean measureValued = first.choices().stream().anyMatch(c -> c.kind() == Choice.Kind.MVD);
        if (enumerated && measureValued) {
            throw new IllegalArgumentException("enum and mvd choices that feed the same term of the objective cannot"
                    + " be combined yet; use reinforce for one of them");
        }
        for (Choice c : first.choices()) {
            if (c.kind() == Choice.Kind.MVD && c.elementLogProb() != null) {
                throw new IllegalArgumentException("mvd on the tensor choice " + c.site().address() + ": "
                        + (tape.controlDependent() ? "a decision of the program depended on a random choice"
                                : "a term of the objective depends on it and on another enum or mvd choice")
                        + ", so its elements' couplings cannot run together; use reinforce for it or for the other");
            }
        }
        return enumerated ? productEnumeration(params, tape, rng, aux, start)
                : measureValuedReplays(first, v0, params, tape, rng, aux, start);
    }

    /** Every joint assignment of the enumerated choices, found depth first; each weighted by its probability. */
    private SurrogateBuilder.Result productEnumeration(ParamProvider params, Tape tape, Rng rng, Rng aux,
            long[] start) {
        Object surrogate = 0.0;
        double value = 0;
        int count = 0;
        java.util.ArrayDeque<int[]> pending = new java.util.ArrayDeque<>();
        pending.push(new int[0]);
        while (!pending.isEmpty()) {
            int[] prefix = pending.pop();
            if (++count > MAX_ENUMERATION_RUNS) {
                throw tooManyRuns();
            }
            rng.restore(start);
            ObjectiveRun run = newRun(params, tape, rng, aux, ReplayPlan.assignment(prefix), null);
            Object v = scalar(program.run(run));
            int[] sizes = run.replayedSizes();
            for (int depth = prefix.length; depth < sizes.length; depth++) {
                for (int i = 1; i < sizes[depth]; i++) {
                    int[] next = java.util.Arrays.copyOf(prefix, depth + 1);
                    next[depth] = i;
                    pending.push(next);
                }
            }
            Object logWeight = 0.0;
            for (Choice c : run.choices()) {
                if (c.kind() == Choice.Kind.ENUM) {
                    logWeight = AD.add(logWeight, c.logProb());
                }
            }
            SurrogateBuilder.Result inner = settled(SurrogateBuilder.plain(withoutReplayed(run), v));
            Object weight = AD.exp(logWeight);
            surrogate = AD.add(surrogate, AD.mul(weight, inner.surrogate()));
            value += AD.scalarValue(weight) * inner.value();
        }
        return new SurrogateBuilder.Result(surrogate, value);
    }

    private static IllegalArgumentException tooManyRuns() {
        return new IllegalArgumentException("exact enumeration needs more than " + MAX_ENUMERATION_RUNS
                + " runs of the program: the enumerated choices depend on each other; use mvd or reinforce"
                + " for some of them");
    }

    /** Baselines applied inside a fallback, where the result is combined with others before the particle ends. */
    private SurrogateBuilder.Result settled(SurrogateBuilder.Result r) {
        return SurrogateBuilder.withBaselines(List.of(r), baselines).get(0);
    }

    private static ObjectiveRun withoutReplayed(ObjectiveRun run) {
        run.choices().removeIf(c -> c.kind() != Choice.Kind.SCORE);
        return run;
    }

    /** The base run plus one replay per alternative value of each mvd choice, with the rest at the base. */
    private SurrogateBuilder.Result measureValuedReplays(ObjectiveRun first, Object v0, ParamProvider params, Tape tape,
            Rng rng, Rng aux, long[] start) {
        List<Choice> mvd = first.choices().stream().filter(c -> c.kind() == Choice.Kind.MVD).toList();
        SurrogateBuilder.Result base = settled(SurrogateBuilder.plain(withoutReplayed(first), v0));
        Object surrogate = base.surrogate();
        for (Choice m : mvd) {
            double[] f = new double[m.values().size()];
            f[0] = base.value();
            for (int a = 1; a < f.length; a++) {
                rng.restore(start);
                ObjectiveRun run = newRun(params, tape, rng, aux, ReplayPlan.single(m.replayOrdinal(), a), first);
                f[a] = AD.scalarValue(scalar(program.run(run)));
            }
            int index = 1;
            for (org.ppl4j.runtime.dist.Distribution.WeakDerivative w : m.weak()) {
                double plus = f[index++];
                double minus = w.negative() != null ? f[index++] : 0;
                Object theta = w.parameter();
                surrogate = AD.add(surrogate, AD.mul(w.constant() * (plus - minus), AD.sub(theta, AD.value(theta))));
            }
        }
        return new SurrogateBuilder.Result(surrogate, base.value());
    }

    public Object scalar(Object value) {
        if (AD.isNumeric(value) && !AD.isTensor(value)) {
            return value;
        }
        throw new IllegalArgumentException("the objective " + name + " must return a number, got "
                + Printer.kind(value));
    }
}
