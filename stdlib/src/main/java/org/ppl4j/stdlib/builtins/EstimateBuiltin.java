package org.ppl4j.stdlib.builtins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.estimate.ReplayPlan;
import org.ppl4j.runtime.value.ObjectiveInstance;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;

/**
 * {@code estimate(objective, samples: 1000, seed: 0)}: runs the objective {@code samples} times, without
 * gradients, at the current parameters (their initial values, or those of the last fit) and returns
 * {@code mean}, {@code sd}, {@code se} (the standard error of the mean) and {@code values} (a tensor of the
 * runs' values): the objective's value and how precisely it is known, for comparing objectives and guides.
 */
final class EstimateBuiltin extends PplBuiltin {
    @Override
    public String name() {
        return "estimate";
    }

    @Override
    public List<String> parameters() {
        return List.of("objective", "samples", "seed");
    }

    @Override
    public int required() {
        return 1;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        ObjectiveInstance objective = Args.objective("estimate", args[0]);
        int samples = args[1] == null ? 1000 : Args.count("estimate", "samples", args[1], 1);
        long seed = args[2] == null ? context.seed() : (long) Args.number("estimate", "seed", args[2]);
        Rng rng = new Rng(seed);
        double[] values = new double[samples];
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            ObjectiveRun run = new ObjectiveRun(context, context.params(), null, rng, rng, ReplayPlan.BASE, null);
            Object v = run.run(objective);
            if (!AD.isNumeric(v) || AD.isTensor(v)) {
                throw new IllegalArgumentException("estimate: the objective " + objective.name()
                        + " must return a number, got " + Printer.kind(v));
            }
            values[i] = AD.scalarValue(v);
            sum += values[i];
        }
        double mean = sum / samples;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = samples > 1 ? Math.sqrt(ss / (samples - 1)) : 0;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("mean", mean);
        fields.put("sd", sd);
        fields.put("se", sd / Math.sqrt(samples));
        fields.put("values", new Tensor(new int[] {samples}, values));
        return new PplRecord("objective estimate", fields);
    }
}
