package org.ppl4j.stdlib.builtins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.ReplayPlan;
import org.ppl4j.runtime.estimate.StrategyOverrides;
import org.ppl4j.runtime.estimate.StrategyRegistry;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.vi.Adam;
import org.ppl4j.vi.Evaluation;
import org.ppl4j.vi.Fit;
import org.ppl4j.vi.FitDivergedException;
import org.ppl4j.vi.FitHistory;
import org.ppl4j.vi.FitListener;
import org.ppl4j.vi.FitOptions;
import org.ppl4j.vi.FitProgress;
import org.ppl4j.vi.Optimizer;
import org.ppl4j.vi.ParamStore;
import org.ppl4j.vi.StochasticObjective;
import org.ppl4j.vi.TrackedParams;
import org.ppl4j.vi.Summary;

/**
 * {@code fit(objective, optimizer: adam(0.05), steps: 2000, particles: 1, seed: 0, samples: 1000,
 * estimators: { "z": reinforce }, rao_blackwellize: true, checkpoint: "dir", every: 500)}: maximises
 * the objective by stochastic gradient ascent, then summarises the fitted guide from {@code samples} runs of
 * the objective at the final parameters. The result has {@code params}, {@code objective} (final value and
 * history) and {@code posterior} (per latent: mean, sd, q05, q50, q95). With {@code checkpoint} it writes
 * checkpoints every {@code every} steps ({@link FitCheckpoints}); with ppl.Resume it continues from one; with
 * ppl.Progress it draws a progress bar on standard error. {@code summary} and {@code plot} read the
 * {@link FitDetails} kept beside the result.
 */
final class FitBuiltin extends PplBuiltin {
    static final int DEFAULT_SAMPLES = 1000;

    @Override
    public String name() {
        return "fit";
    }

    @Override
    public List<String> parameters() {
        return List.of("objective", "optimizer", "steps", "particles", "seed", "samples", "estimators",
                "rao_blackwellize", "checkpoint", "every", "data", "batch", "epochs", "shuffle", "on_epoch", "tol", "init");
    }

    @Override
    public int required() {
        return 1;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        args = java.util.Arrays.copyOf(args, parameters().size());
        DataParallel parallel = args[10] != null && context.dataParallel() instanceof DataParallel p ? p : null;
        Minibatches batches = args[10] == null ? null
                : Minibatches.of(context, args[0], args[10], args[11], args[12], args[13], args[2],
                        args[4] == null ? context.seed() : (long) Args.number("fit", "seed", args[4]),
                        parallel == null ? 0 : parallel.rows());
        Object onEpoch = args[14] == null ? null : IterationBuiltins.function("fit", "on_epoch", args[14], 2);
        if (batches == null) {
            for (int i = 11; i <= 14; i++) {
                if (args[i] != null) {
                    throw new IllegalArgumentException("fit: '" + parameters().get(i) + "' needs 'data'");
                }
            }
        }
        ObjectiveInstance objective = batches == null ? Args.objective("fit", args[0]) : batches.first();
        OptimizerValue optimizer;
        if (args[1] == null) {
            optimizer = new OptimizerValue("adam(0.01)", () -> new Adam(FitOptions.DEFAULT_LR));
        } else if (args[1] instanceof OptimizerValue o) {
            optimizer = o;
        } else {
            throw new IllegalArgumentException("fit: 'optimizer' must be adam(...) or sgd(...), got "
                    + Printer.kind(args[1]));
        }
        // a data-parallel fit with local steps: the driver takes one step per round of H batch steps
        int local = parallel == null ? 1 : Math.max(1, parallel.localSteps());
        int steps = batches != null ? (batches.steps() + local - 1) / local
                : args[2] == null ? FitOptions.DEFAULT_STEPS : Args.count("fit", "steps", args[2], 0);
        int particles = args[3] == null ? FitOptions.DEFAULT_PARTICLES : Args.count("fit", "particles", args[3], 1);
        long seed = args[4] == null ? context.seed() : (long) Args.number("fit", "seed", args[4]);
        int samples = args[5] == null ? (batches == null ? DEFAULT_SAMPLES : Minibatches.DEFAULT_SAMPLES)
                : Args.count("fit", "samples", args[5], 1);

        org.ppl4j.vi.Convergence convergence = args[15] == null ? null
                : new org.ppl4j.vi.Convergence(Args.number("fit", "tol", args[15]), steps);
        StrategyOverrides overrides = overrides(context, args[6]);
        boolean raoBlackwellize = args[7] == null || truth("rao_blackwellize", args[7]);

        ParamStore store = new ParamStore();
        BaselineStore baselines = new BaselineStore();
        ObjectiveInstance[] current = {objective};
        org.ppl4j.runtime.FitObserver observer = context.fitObserver();
        int fitIndex = context.nextFitIndex();
        ObjectiveEstimator objectiveEstimator = new ObjectiveEstimator(context, run -> run.run(current[0]),
                objective.name(), baselines, raoBlackwellize, overrides);
        int[] calls = {0};
        // the relaxed objective of each step under relax (NaN where nothing was relaxed); history keeps the hard one
        Series relaxed = new Series();
        double[] epochTotal = {0};
        int[] epochSteps = {0};
        if (parallel != null) {
            createParams(objectiveEstimator, store, seed);
            if (parallel.executor()) {
                parallel.captured(new DataParallelWorker(context, batches.function(), batches.batch(),
                        batches.shuffle(), seed, parallel.rows(), particles, raoBlackwellize, overrides,
                        batches.steps(), optimizer.factory(), store));
                throw new DataParallel.Captured();
            }
        }
        StochasticObjective raw = (params, rng) -> {
            // all particles of a step on one tape, so that leave-one-out baselines can see each other
            java.util.function.Supplier<Evaluation> once = () -> {
                SurrogateBuilder.Result r = objectiveEstimator.estimate(params, ((TrackedParams) params).tape(), rng,
                        particles);
                relaxed.add(objectiveEstimator.lastRelaxed());
                return new Evaluation(r.surrogate(), r.value());
            };
            if (parallel == null && batches == null) {
                return once.get();
            }
            int step = calls[0]++;
            Evaluation e = parallel != null
                    ? distributedStep(parallel, step, store, (TrackedParams) params, relaxed)
                    : batches.atStep(step, instance -> {
                        current[0] = instance;
                        return once.get();
                    });
            // the batch steps this step took (a round of local steps: up to H of them)
            for (int s = step * local; s < Math.min(batches.steps(), (step + 1) * local); s++) {
                epochTotal[0] += e.value();
                epochSteps[0]++;
                if (batches.endsEpoch(s)) {
                    if (observer != null) {
                        observer.onEpoch(fitIndex, batches.epochOf(s) + 1, epochTotal[0] / epochSteps[0]);
                    }
                    if (onEpoch != null) {
                        // the epoch's mean estimate of the full-data objective, to the program (progress, early looks)
                        IterationBuiltins.call(context, onEpoch,
                                new Object[] {(double) batches.epochOf(s) + 1, epochTotal[0] / epochSteps[0]});
                    }
                    epochTotal[0] = 0;
                    epochSteps[0] = 0;
                }
            }
            return e;
        };
        // an override pattern that matches no choice of the first estimate is a misspelt address: an error before
        // the first step is taken, not after the whole fit
        boolean[] checked = {overrides.isEmpty()};
        StochasticObjective estimator = (params, rng) -> {
            Evaluation e = raw.evaluate(params, rng);
            if (!checked[0]) {
                checked[0] = true;
                List<String> unused = overrides.unused();
                if (!unused.isEmpty()) {
                    throw new IllegalArgumentException("fit: no random choice matches the estimator override \""
                            + unused.get(0) + "\"");
                }
            }
            return e;
        };
        Optimizer opt = optimizer.factory().get();
        Rng rng = new Rng(seed);
        FitCheckpoints checkpoints = FitCheckpoints.open(context, fitIndex,
                settings(objective, steps, particles, seed, context, raoBlackwellize)
                        + (batches == null ? "" : ", " + batches.describe())
                        + (local == 1 ? "" : ", local steps " + local)
                        + (convergence == null ? "" : ", tol " + Args.number("fit", "tol", args[15])), args[8], args[9]);
        if (args[16] != null) {
            PosteriorBuiltins.initialise(context, "fit", args[16], objective, store, seed);
        }
        double[] completed = checkpoints.resume(store, opt, rng, baselines);
        calls[0] = completed.length;
        // the random source as the last completed step left it: a divergence summarises from there
        long[][] lastGoodRng = {rng.state()};
        FitListener goodRng = FitListener.ofState(state -> lastGoodRng[0] = state.rng().state());
        // a stop asked for by the launcher (--timeout, Ctrl-C) ends the fit after the step that is running: its
        // checkpoint is written (when checkpointing) and its result kept as the last fit
        org.ppl4j.runtime.Stop stop = context.stop();
        double[][] reached = {completed.clone()};
        FitListener stopper = FitListener.ofState(state -> {
            if (stop.pending() && state.step() < state.steps()) {
                stop.acknowledge();
                reached[0] = state.history();
                throw new FitStopped(state.step());
            }
        });
        FitListener observed = observer == null ? null
                : (step, value) -> observer.onStep(fitIndex, step, steps, value);
        FitListener listener = FitListener.both(FitListener.both(FitListener.both(FitListener.both(goodRng, observed),
                checkpoints.writer(baselines, stop::pending)), stopper),
                context.progress() && completed.length < steps
                        ? new FitProgress(context.err(), context.columns(), "fit " + objective.name(), steps,
                                completed.length)
                        : null);
        FitOptions options = FitOptions.builder().steps(steps).particles(1)
                .optimizer(opt).seed(seed).listener(listener).build();
        // the fit's settings, for the result (--json, summary()) whether the fit ends, diverges or is stopped
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("objective", objective.name());
        settings.put("steps", Integer.toString(steps));
        if (convergence != null) {
            settings.put("tol", Args.number("fit", "tol", args[15]) + "");
        }
        settings.put("particles", Integer.toString(particles));
        settings.put("seed", Long.toString(seed));
        settings.put("optimizer", optimizer.toString());
        settings.put("samples", Integer.toString(samples));
        FitHistory history;
        stop.enterFit();
        try {
            history = Fit.resume(estimator, store, options, rng, completed, convergence);
        } catch (FitDivergedException e) {
            rng.restore(lastGoodRng[0]);
            Map<String, Object> diverged = new LinkedHashMap<>();
            diverged.put("step", (double) e.step());
            diverged.put("reason", e.getMessage());
            keepLastGoodStep(context, objective, batches, store, e.history(), relaxed, e.lastFiniteObjective(),
                    Map.of("diverged", new PplRecord("divergence", diverged)), rng, samples, steps, particles,
                    completed.length, settings);
            throw new IllegalArgumentException(e.getMessage() + "; the last fit's result keeps the parameters from "
                    + "before step " + e.step(), e);
        } catch (FitStopped e) {
            rng.restore(lastGoodRng[0]);
            FitHistory h = new FitHistory(reached[0]);
            Map<String, Object> stopped = new LinkedHashMap<>();
            stopped.put("stopped", stop.reason());
            stopped.put("stopped_after_step", (double) e.step);
            keepLastGoodStep(context, objective, batches, store, h, relaxed, h.last(), stopped, rng,
                    Math.min(samples, STOPPED_SAMPLES), steps, particles, completed.length, settings);
            throw new org.ppl4j.runtime.error.PplStopped(stop.reason(), "fit stopped after step " + e.step + " of "
                    + steps + " (" + stop.reason() + "); the last fit's result keeps that step", null);
        } finally {
            stop.exitFit();
        }
        List<String> unused = overrides.unused();
        if (steps > 0 && !unused.isEmpty()) {
            throw new IllegalArgumentException("fit: no random choice matches the estimator override \""
                    + unused.get(0) + "\"");
        }
        Kept kept = new Kept();
        PplRecord result = withRelaxed(summarise(context, objective, batches, store, history, rng, samples, kept),
                relaxed, completed.length, history.steps());
        if (convergence != null) {
            settings.put("stopped_at", Integer.toString(history.steps()));
        }
        FitDetails details = details(objective, batches, steps, particles, samples, completed.length, store, kept,
                settings);
        result = FitReport.withSettingsAndDiagnostics(result, details, context);
        FitDetails.attach(result, details);
        for (Map.Entry<ParamKey, Object> e : store.constrainedValues().entrySet()) {
            context.params().set(e.getKey(), e.getValue());
        }
        context.setLastFit(result);
        return result;
    }

    /**
     * Under relax, the objective's {@code history} is the hard objective of each step (the objective at the discrete
     * values the relaxed draws round to) and {@code relaxed_history} the relaxed objective the gradient came from
     * (NaN for steps resumed from a checkpoint); without relaxed choices the result is unchanged.
     */
    private static PplRecord withRelaxed(PplRecord result, Series relaxed, int resumedAt, int steps) {
        double[] values = relaxed.toArray();
        boolean any = false;
        for (double v : values) {
            any |= !Double.isNaN(v);
        }
        if (!any || !(result.get("objective") instanceof PplRecord o)) {
            return result;
        }
        double[] series = new double[steps];
        java.util.Arrays.fill(series, Double.NaN);
        System.arraycopy(values, 0, series, resumedAt, Math.min(values.length, steps - resumedAt));
        Map<String, Object> objectiveFields = new LinkedHashMap<>(o.fields());
        objectiveFields.put("relaxed_history", new Tensor(new int[] {steps}, series));
        Map<String, Object> fields = new LinkedHashMap<>(result.fields());
        fields.put("objective", new PplRecord(o.typeName(), objectiveFields));
        return new PplRecord(result.typeName(), fields);
    }

    /**
     * After a divergence, the store holds the parameters the failing step started from, and {@code rng} is put
     * back as that step found it, so the result is the one the fit would have had with one step fewer: it becomes
     * the last fit ({@code summary()}, {@code --summary}, {@code --json}, the embedding API's {@code lastFit()}) and the
     * context's parameters, with the history up to the last finite step (under relax the relaxed history of the same
     * steps too) and a {@code diverged} field (step, reason), or the {@code stopped} fields of a stop. The summary runs at those parameters may fail too; then the result has no posterior.
     */
    private static void keepLastGoodStep(PplContext context, ObjectiveInstance objective, Minibatches batches,
            ParamStore store, FitHistory history, Series relaxed, double lastFinite, Map<String, Object> why, Rng rng,
            int samples, int steps, int particles, int resumedAt, Map<String, String> settings) {
        Kept kept = new Kept();
        PplRecord result;
        try {
            result = summarise(context, objective, batches, store, history, rng, samples, kept);
        } catch (RuntimeException | StackOverflowError unusable) {
            kept = new Kept();
            Map<String, Object> params = new LinkedHashMap<>();
            store.constrainedValues().forEach((k, v) -> params.put(k.toString(), v));
            Map<String, Object> objectiveFields = new LinkedHashMap<>();
            objectiveFields.put("final", lastFinite);
            objectiveFields.put("history", new Tensor(new int[] {history.steps()}, history.objective().clone()));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("params", new PplRecord("parameter table", params));
            fields.put("objective", new PplRecord("objective summary", objectiveFields));
            fields.put("posterior", new PplRecord("posterior summary", new LinkedHashMap<>()));
            result = new PplRecord("fit result", fields);
        }
        // under relax, the relaxed objective of the steps reached, beside their hard objective
        result = withRelaxed(result, relaxed, resumedAt, history.steps());
        Map<String, Object> fields = new LinkedHashMap<>(result.fields());
        fields.putAll(why);
        PplRecord kept0 = new PplRecord("fit result", fields);
        FitDetails d = details(objective, batches, steps, particles, samples, resumedAt, store, kept, settings);
        kept0 = FitReport.withSettingsAndDiagnostics(kept0, d, context);
        FitDetails.attach(kept0, d);
        for (Map.Entry<ParamKey, Object> v : store.constrainedValues().entrySet()) {
            context.params().set(v.getKey(), v.getValue());
        }
        context.setLastFit(kept0);
    }

    /**
     * Creates the objective's parameters (with their initial values) by one evaluation on the first batch, when none
     * exist yet: a data-parallel fit sends them to its executors before its first step.
     */
    private static void createParams(ObjectiveEstimator estimator, ParamStore store, long seed) {
        if (store.size() > 0) {
            return;
        }
        org.ppl4j.runtime.ad.Tape tape = new org.ppl4j.runtime.ad.Tape();
        Tensor.openStep();
        try {
            estimator.estimate(store.tracked(tape), tape, new Rng(seed), 1);
        } finally {
            Tensor.endStep();
        }
    }

    /**
     * A data-parallel step: the cluster's gradient at the store's values, as the surrogate sum over parameters of
     * (unconstrained value x gradient), whose derivative is that gradient exactly; its relaxed objective (NaN when
     * nothing was relaxed) to {@code relaxed}.
     */
    private static Evaluation distributedStep(DataParallel parallel, int step, ParamStore store, TrackedParams params,
            Series relaxed) {
        DataParallelWorker.Params values = DataParallelWorker.Params.of(store);
        DataParallelWorker.Sum sum = parallel.step(step, values);
        relaxed.add(sum.relaxed());
        List<ParamKey> keys = store.keys();
        Object surrogate = 0.0;
        for (int i = 0; i < keys.size(); i++) {
            params.lookup(keys.get(i));
            Object leaf = params.leaves().get(keys.get(i));
            double[] g = sum.gradient(i);
            Object term = values.shapes()[i] == null ? AD.mul(leaf, g[0])
                    : AD.sum(AD.mul(leaf, new Tensor(values.shapes()[i], g)));
            surrogate = AD.add(surrogate, term);
        }
        return new Evaluation(surrogate, sum.value());
    }

    /** The relaxed objective of each step, grown as the steps run (no boxed number per step). */
    private static final class Series {
        private double[] values = new double[16];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, 2 * size);
            }
            values[size++] = v;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    /** Summary runs after a stop: few, so that the result is printed within the launcher's grace period. */
    static final int STOPPED_SAMPLES = 200;

    /** Thrown by the fit's listener after the step during which a stop was asked for. */
    private static final class FitStopped extends RuntimeException {
        final int step;

        FitStopped(int step) {
            super("stopped after step " + step, null, false, false);
            this.step = step;
        }
    }

    /** What a checkpoint must have been written with to be resumed by this fit (the program text aside). */
    private static String settings(ObjectiveInstance objective, int steps, int particles, long seed, PplContext context,
            boolean raoBlackwellize) {
        return "objective " + objective.name() + ", steps " + steps + ", particles " + particles + ", seed " + seed
                + (context.estimatorOverrides().isEmpty() ? "" : ", --estimator " + context.estimatorOverrides())
                + (raoBlackwellize ? "" : ", rao_blackwellize false");
    }

    /** The draws and traces {@link #summarise} kept, made into the fit's details. */
    private static FitDetails details(ObjectiveInstance objective, Minibatches batches, int steps, int particles,
            int samples, int resumedAt, ParamStore store, Kept kept, Map<String, String> settings) {
        Map<String, double[]> draws = new LinkedHashMap<>();
        int perLatent = Math.min(FitDetails.MAX_DRAWS,
                Math.max(200, FitDetails.MAX_TOTAL_DRAWS / Math.max(1, kept.draws.size())));
        kept.draws.forEach((k, v) -> draws.put(k, v.stream().limit(perLatent).mapToDouble(Double::doubleValue)
                .toArray()));
        // importance weights p(x, z) / q(z) when the objective is called as (model, guide, observations, ...)
        FitDetails.Weighing weighing = null;
        Object[] a = objective.args();
        if (a.length >= 2 && a[0] instanceof org.ppl4j.runtime.value.BoundModel p
                && a[1] instanceof org.ppl4j.runtime.trace.GenerativeFunction q && isGuide(q) && !kept.traces.isEmpty()) {
            ChoiceMap obs = new ChoiceMap();
            for (int i = 2; i < a.length; i++) {
                if (a[i] instanceof ChoiceMap c) {
                    obs = c;
                    break;
                }
            }
            weighing = new FitDetails.Weighing(p, q, obs, store, kept.traces, kept.tracedRuns);
        }
        // the guide with its fitted parameters: the objective's second model argument (elbo(p, q, obs), iwae(...)),
        // of a minibatch fit's objective on the whole data set
        if (batches != null) {
            a = batches.whole().args();
        }
        org.ppl4j.vi.posterior.FittedPosterior fitted = null;
        if (a.length >= 2 && a[1] instanceof org.ppl4j.runtime.trace.GenerativeFunction q && isGuide(q)) {
            fitted = new org.ppl4j.vi.posterior.FittedPosterior(
                    a[0] instanceof org.ppl4j.runtime.value.BoundModel p ? p : null, q,
                    firstChoices(a), store, settings);
        }
        return new FitDetails(objective.name(), steps, particles, samples, resumedAt, draws, weighing, fitted);
    }

    /**
     * Whether an objective's second argument is a guide whose draws can be weighed and reused: a model bound to its
     * arguments or an automatic guide (not a marginal, a normalized or a detached one, whose densities are estimates).
     */
    private static boolean isGuide(org.ppl4j.runtime.trace.GenerativeFunction q) {
        return q instanceof org.ppl4j.runtime.value.BoundModel || q instanceof org.ppl4j.stdlib.autoguide.AutoGuide;
    }

    private static ChoiceMap firstChoices(Object[] a) {
        for (int i = 2; i < a.length; i++) {
            if (a[i] instanceof ChoiceMap c) {
                return c;
            }
        }
        return new ChoiceMap();
    }

    /** What summarise saw, for the details. */
    private static final class Kept {
        Map<String, List<Double>> draws = Map.of();
        final List<ChoiceMap> traces = new ArrayList<>();
        int tracedRuns;
        int tracedChoices;
    }

    /** Overrides from the command line (first, so they win) and from fit's estimators table. */
    static StrategyOverrides overrides(PplContext context, Object table) {
        Map<String, GradientStrategy> byPattern = new LinkedHashMap<>();
        StrategyRegistry registry = StrategyRegistry.get();
        for (String entry : context.estimatorOverrides().split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--estimator " + entry + ": expected ADDRESS=STRATEGY, as in z=reinforce");
            }
            try {
                byPattern.put(entry.substring(0, eq).trim(), registry.parse(entry.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--estimator " + entry + ": " + e.getMessage());
            }
        }
        if (table != null) {
            if (!(table instanceof PplRecord r)) {
                throw new IllegalArgumentException("fit: 'estimators' must be a table such as { \"z\": reinforce }");
            }
            for (Map.Entry<String, Object> e : r.fields().entrySet()) {
                GradientStrategy g;
                if (e.getValue() instanceof GradientStrategy s) {
                    g = s;
                } else if (e.getValue() instanceof String text) {
                    g = registry.parse(text); // a table built at run time names strategies as text
                } else {
                    throw new IllegalArgumentException("fit: the estimator for \"" + e.getKey()
                            + "\" must be a strategy such as reinforce or \"relax(0.5)\"");
                }
                byPattern.putIfAbsent(e.getKey(), g);
            }
        }
        return byPattern.isEmpty() ? StrategyOverrides.NONE
                : new StrategyOverrides(byPattern, d -> registry.supportedBy(d.family()));
    }

    static boolean truth(String name, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("fit: '" + name + "' must be true or false, got " + Printer.kind(v));
    }

    private static Object scalar(Object value, ObjectiveInstance objective) {
        if (AD.isNumeric(value) && !AD.isTensor(value)) {
            return value;
        }
        throw new IllegalArgumentException("fit: the objective " + objective.name() + " must return a number, got "
                + Printer.kind(value));
    }

    /** Runs the objective {@code samples} times at the fitted parameters, without gradients. */
    private static PplRecord summarise(PplContext context, ObjectiveInstance objective, Minibatches batches,
            ParamStore store, FitHistory history, Rng rng, int samples, Kept kept) {
        Map<String, List<Double>> draws = new LinkedHashMap<>();
        kept.draws = draws;
        double total = 0;
        for (int i = 0; i < samples; i++) {
            ObjectiveRun run = new ObjectiveRun(context, store.constants(), null, rng, rng, ReplayPlan.BASE, null);
            if (batches == null) {
                total += AD.scalarValue(scalar(run.run(objective), objective));
            } else { // a random minibatch, scaled: an unbiased estimate of the full-data objective
                total += batches.atRandom(rng, instance -> AD.scalarValue(scalar(run.run(instance), instance)));
            }
            int choices = 0;
            for (ChoiceMap trace : run.traces()) {
                choices += trace.entries().size();
                for (Map.Entry<Address, Object> e : trace.entries().entrySet()) {
                    collect(draws, e.getKey().toString(), AD.value(e.getValue()));
                }
                if (batches == null) {
                    collectTracked(context, objective, store, trace, draws);
                }
            }
            if (kept.tracedRuns == i && kept.tracedChoices + choices <= FitDetails.MAX_TRACE_CHOICES) {
                kept.traces.addAll(run.traces());
                kept.tracedChoices += choices;
                kept.tracedRuns++;
            }
        }
        if (batches != null && context.hasTracked()) {
            // a batch's tracked values are of its data points: run the model on the whole data at the guide's draws
            ObjectiveInstance whole = batches.whole();
            Object[] a = whole.args();
            if (a.length >= 2 && a[1] instanceof org.ppl4j.runtime.trace.GenerativeFunction q && isGuide(q)) {
                for (ChoiceMap trace : new org.ppl4j.vi.posterior.FittedPosterior(null, q, null, store, Map.of())
                        .guideTraces(context, samples, rng)) {
                    collectTracked(context, whole, store, trace, draws);
                }
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        store.constrainedValues().forEach((k, v) -> params.put(k.toString(), v));
        Map<String, Object> posterior = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : draws.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            Summary s = Summary.of(xs);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("mean", s.mean());
            fields.put("sd", s.sd());
            fields.put("mcse", s.sd() / Math.sqrt(xs.length)); // the guide's draws are independent
            fields.put("q05", s.q05());
            fields.put("q50", s.q50());
            fields.put("q95", s.q95());
            posterior.put(e.getKey(), new PplRecord("summary", fields));
        }
        Map<String, Object> objectiveFields = new LinkedHashMap<>();
        objectiveFields.put("final", total / samples);
        objectiveFields.put("history", new Tensor(new int[] {history.steps()}, history.objective().clone()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("params", new PplRecord("parameter table", params));
        fields.put("objective", new PplRecord("objective summary", objectiveFields));
        fields.put("posterior", new PplRecord("posterior summary", posterior));
        return new PplRecord("fit result", fields);
    }

    /**
     * The model's {@code track}ed quantities at a guide trace of a summary run, beside the latents' draws: when the
     * objective is called as (model, guide, observations, ...), the model is run at the trace
     * and the observations (a trace the model cannot be run at, one of another model, is passed over). A minibatch
     * fit's are those of the model on the whole data set, at draws of the guide on the whole data set.
     */
    private static void collectTracked(PplContext context, ObjectiveInstance objective, ParamStore store,
            ChoiceMap trace, Map<String, List<Double>> draws) {
        Object[] a = objective.args();
        if (!context.hasTracked() || a.length < 2
                || !(a[0] instanceof org.ppl4j.runtime.value.BoundModel p)
                || !(a[1] instanceof org.ppl4j.runtime.trace.GenerativeFunction q) || !isGuide(q)) {
            return;
        }
        ChoiceMap tracked = org.ppl4j.vi.posterior.FittedPosterior.trackedAt(context, p, firstChoices(a),
                store.constants(), trace);
        if (tracked != null) {
            for (Map.Entry<Address, Object> e : tracked.entries().entrySet()) {
                collect(draws, e.getKey().toString(), AD.value(e.getValue()));
            }
        }
    }

    private static void collect(Map<String, List<Double>> draws, String address, Object value) {
        if (value instanceof Double d) {
            draws.computeIfAbsent(address, k -> new ArrayList<>()).add(d);
        } else if (value instanceof Tensor t && t.size() <= 64) {
            int[] shape = t.shape();
            for (int i = 0; i < t.size(); i++) {
                draws.computeIfAbsent(address + flatIndex(shape, i), k -> new ArrayList<>()).add(t.get(i));
            }
        }
    }

    private static String flatIndex(int[] shape, int flat) {
        StringBuilder sb = new StringBuilder();
        int[] idx = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = flat % shape[k];
            flat /= shape[k];
        }
        for (int i : idx) {
            sb.append('[').append(i).append(']');
        }
        return sb.toString();
    }
}
