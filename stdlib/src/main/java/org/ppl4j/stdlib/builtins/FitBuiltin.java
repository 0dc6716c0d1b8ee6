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
import org.ppl4j.runtime.estimate.ObjectiveRun;
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
import org.ppl4j.vi.FitOptions;
import org.ppl4j.vi.ParamStore;
import org.ppl4j.vi.StochasticObjective;
import org.ppl4j.vi.Summary;

/**
 * {@code fit(objective, optimizer: adam(0.05), steps: 2000, particles: 1, seed: 0, samples: 1000)}: maximises
 * the objective by stochastic gradient ascent, then summarises the fitted guide from {@code samples} runs of
 * the objective at the final parameters. The result has {@code params}, {@code objective} (final value and
 * history) and {@code posterior} (per latent: mean, sd, q05, q50, q95).
 */
final class FitBuiltin extends PplBuiltin {
    static final int DEFAULT_SAMPLES = 1000;

    @Override
    public String name() {
        return "fit";
    }

    @Override
    public List<String> parameters() {
        return List.of("objective", "optimizer", "steps", "particles", "seed", "samples");
    }

    @Override
    public int required() {
        return 1;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        if (!(args[0] instanceof ObjectiveInstance objective)) {
            throw new IllegalArgumentException("fit: expected an objective such as elbo(model, guide, obs), got "
                    + Printer.kind(args[0]));
        }
        OptimizerValue optimizer;
        if (args[1] == null) {
            optimizer = new OptimizerValue("adam(0.01)", () -> new Adam(FitOptions.DEFAULT_LR));
        } else if (args[1] instanceof OptimizerValue o) {
            optimizer = o;
        } else {
            throw new IllegalArgumentException("fit: 'optimizer' must be adam(...) or sgd(...), got "
                    + Printer.kind(args[1]));
        }
        int steps = args[2] == null ? FitOptions.DEFAULT_STEPS : Args.count("fit", "steps", args[2], 0);
        int particles = args[3] == null ? FitOptions.DEFAULT_PARTICLES : Args.count("fit", "particles", args[3], 1);
        long seed = args[4] == null ? context.seed() : (long) Args.number("fit", "seed", args[4]);
        int samples = args[5] == null ? DEFAULT_SAMPLES : Args.count("fit", "samples", args[5], 1);

        ParamStore store = new ParamStore();
        BaselineStore baselines = new BaselineStore();
        StochasticObjective estimator = (params, rng) -> {
            ObjectiveRun run = new ObjectiveRun(context, params, rng, baselines, true);
            Object value = scalar(run.run(objective), objective);
            return new Evaluation(run.surrogate(value), AD.scalarValue(value));
        };
        FitOptions options = FitOptions.builder().steps(steps).particles(particles)
                .optimizer(optimizer.factory().get()).seed(seed).build();
        Rng rng = new Rng(seed);
        FitHistory history;
        try {
            history = Fit.run(estimator, store, options, rng);
        } catch (FitDivergedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        PplRecord result = summarise(context, objective, store, history, rng, samples);
        for (Map.Entry<ParamKey, Object> e : store.constrainedValues().entrySet()) {
            context.params().set(e.getKey(), e.getValue());
        }
        context.setLastFit(result);
        return result;
    }

    private static Object scalar(Object value, ObjectiveInstance objective) {
        if (AD.isNumeric(value) && !AD.isTensor(value)) {
            return value;
        }
        throw new IllegalArgumentException("fit: the objective " + objective.name() + " must return a number, got "
                + Printer.kind(value));
    }

    /** Runs the objective {@code samples} times at the fitted parameters, without gradients. */
    private static PplRecord summarise(PplContext context, ObjectiveInstance objective, ParamStore store,
            FitHistory history, Rng rng, int samples) {
        Map<String, List<Double>> draws = new LinkedHashMap<>();
        double total = 0;
        BaselineStore unused = new BaselineStore();
        for (int i = 0; i < samples; i++) {
            ObjectiveRun run = new ObjectiveRun(context, store.constants(), rng, unused, false);
            total += AD.scalarValue(scalar(run.run(objective), objective));
            for (ChoiceMap trace : run.traces()) {
                for (Map.Entry<Address, Object> e : trace.entries().entrySet()) {
                    collect(draws, e.getKey().toString(), AD.value(e.getValue()));
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
