package org.ppl4j.stdlib.builtins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.stdlib.dist.Distributions;
import org.ppl4j.vi.Adam;
import org.ppl4j.vi.Sgd;

/** The sorted table of builtins. */
public final class Registry {
    public static final Map<String, PplBuiltin> BY_NAME;
    public static final List<String> NAMES;

    /**
     * The builtins that run as usual in a vectorised replicate or map body when none of their arguments is
     * batched: they have no side effects and draw nothing per call (glorot and he draw a parameter's first value
     * once). The elementwise math builtins batch elementwise; every builtin not named here or there makes a body
     * run as a loop.
     */
    private static final java.util.Set<String> PURE = java.util.Set.of("arg", "argmax", "concat", "dense", "eye",
            "glorot", "he", "iid", "log_softmax", "marginal", "mlp", "normalize", "one_hot", "ones", "random_uniform",
            "reshape", "shape", "softmax", "tensor", "transpose", "where", "zeros");
    /** The builtins with batching rules of their own (reductions per iteration, distributions, traces). */
    private static final java.util.Set<String> OWN = java.util.Set.of("density", "detach", "len", "logmeanexp",
            "logsumexp", "map", "mean", "merge", "replicate", "sim", "sum");

    static {
        Map<String, PplBuiltin> m = new TreeMap<>();
        List<PplBuiltin> all = new ArrayList<>();
        all.addAll(MathBuiltins.all());
        all.addAll(TensorBuiltins.all());
        all.addAll(NeuralBuiltins.all());
        all.addAll(InferenceBuiltins.all());
        all.addAll(AutoGuideBuiltins.all());
        all.addAll(IterationBuiltins.all());
        all.addAll(DataBuiltins.all());
        all.add(new GradientsBuiltin());
        all.add(new EstimateBuiltin());
        all.add(new FitBuiltin());
        all.addAll(ReportBuiltins.all());
        all.addAll(PosteriorBuiltins.all());
        all.add(new Builtin("adam", List.of("lr", "beta1", "beta2", "decay", "eps"), 1, false, (a, c) -> {
            double lr = Args.number("adam", "lr", a[0]);
            double b1 = a[1] == null ? 0.9 : Args.number("adam", "beta1", a[1]);
            double b2 = a[2] == null ? 0.999 : Args.number("adam", "beta2", a[2]);
            double decay = a[3] == null ? 1 : Args.number("adam", "decay", a[3]);
            double eps = a[4] == null ? 1e-8 : Args.number("adam", "eps", a[4]);
            if (!(eps > 0) || !Double.isFinite(eps)) {
                throw new IllegalArgumentException("adam: 'eps' must be a positive number, got " + eps);
            }
            return new OptimizerValue("adam(" + lr + ")", () -> new Adam(lr, b1, b2, eps, decay));
        }));
        all.add(new Builtin("sgd", List.of("lr", "momentum"), 1, false, (a, c) -> {
            double lr = Args.number("sgd", "lr", a[0]);
            double mom = a[1] == null ? 0 : Args.number("sgd", "momentum", a[1]);
            return new OptimizerValue("sgd(" + lr + ")", () -> new Sgd(lr, mom));
        }));
        for (DistributionFamily f : Distributions.families()) {
            all.add(new DistributionBuiltin(f));
        }
        for (PplBuiltin b : all) {
            if (b instanceof Builtin builtin) {
                if (PURE.contains(b.name())) {
                    builtin.batching(PplBuiltin.Batching.PURE);
                } else if (OWN.contains(b.name())) {
                    builtin.batching(PplBuiltin.Batching.OWN);
                } else if (b.name().equals("atan2")) {
                    builtin.batching(PplBuiltin.Batching.ELEMENTWISE);
                }
            }
            if (m.put(b.name(), b) != null) {
                throw new IllegalStateException("two builtins named " + b.name());
            }
        }
        BY_NAME = Collections.unmodifiableMap(m);
        NAMES = List.copyOf(m.keySet());
    }

    private Registry() {
    }
}
