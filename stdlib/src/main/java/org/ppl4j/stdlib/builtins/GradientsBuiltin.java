package org.ppl4j.stdlib.builtins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.estimate.BaselineStore;
import org.ppl4j.runtime.estimate.ObjectiveEstimator;
import org.ppl4j.runtime.estimate.SurrogateBuilder;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.vi.Optimizer;
import org.ppl4j.vi.ParamStore;
import org.ppl4j.vi.TrackedParams;

/**
 * {@code gradients(objective, samples: 100, seed: 0, estimators: {...}, rao_blackwellize: true, particles: 1)}:
 * draws independent gradient estimates at the initial parameters, without fitting, and returns per parameter
 * the mean and the variance of each element (and the mean objective estimate): how to compare estimators.
 * Each estimate averages {@code particles} runs, as one step of fit does (leave-one-out baselines need two).
 */
final class GradientsBuiltin extends PplBuiltin {
    @Override
    public String name() {
        return "gradients";
    }

    @Override
    public List<String> parameters() {
        return List.of("objective", "samples", "seed", "estimators", "rao_blackwellize", "particles");
    }

    @Override
    public int required() {
        return 1;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        ObjectiveInstance objective = Args.objective("gradients", args[0]);
        int samples = args[1] == null ? 100 : Args.count("gradients", "samples", args[1], 2);
        long seed = args[2] == null ? context.seed() : (long) Args.number("gradients", "seed", args[2]);
        boolean rb = args[4] == null || FitBuiltin.truth("rao_blackwellize", args[4]);
        int particles = args[5] == null ? 1 : Args.count("gradients", "particles", args[5], 1);
        ObjectiveEstimator estimator = new ObjectiveEstimator(context, objective, new BaselineStore(), rb,
                FitBuiltin.overrides(context, args[3]));
        ParamStore store = new ParamStore();
        Rng rng = new Rng(seed);
        Map<ParamKey, double[]> sum = new LinkedHashMap<>();
        Map<ParamKey, double[]> sumSq = new LinkedHashMap<>();
        Map<ParamKey, Object> shapes = new LinkedHashMap<>();
        double value = 0;
        for (int i = 0; i < samples; i++) {
            Tape tape = new Tape();
            TrackedParams params = store.tracked(tape);
            SurrogateBuilder.Result r = estimator.estimate(params, tape, rng, particles);
            tape.backward(r.surrogate());
            value += r.value();
            for (Map.Entry<ParamKey, Object> g : params.gradients().entrySet()) {
                double[] e = Optimizer.elements(g.getValue());
                double[] s = sum.computeIfAbsent(g.getKey(), k -> new double[e.length]);
                double[] q = sumSq.computeIfAbsent(g.getKey(), k -> new double[e.length]);
                shapes.putIfAbsent(g.getKey(), g.getValue());
                for (int j = 0; j < e.length; j++) {
                    s[j] += e[j];
                    q[j] += e[j] * e[j];
                }
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (ParamKey k : sum.keySet()) {
            double[] s = sum.get(k);
            double[] q = sumSq.get(k);
            double[] mean = new double[s.length];
            double[] variance = new double[s.length];
            for (int j = 0; j < s.length; j++) {
                mean[j] = s[j] / samples;
                variance[j] = (q[j] - samples * mean[j] * mean[j]) / (samples - 1);
            }
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("mean", like(shapes.get(k), mean));
            stats.put("variance", like(shapes.get(k), variance));
            fields.put(k.toString(), new PplRecord("gradient summary", stats));
        }
        fields.put("objective", value / samples);
        return new PplRecord("gradient statistics", fields);
    }

    private static Object like(Object shapeOf, double[] values) {
        if (shapeOf instanceof Tensor t) {
            return new Tensor(t.shape(), values);
        }
        return values[0];
    }
}
