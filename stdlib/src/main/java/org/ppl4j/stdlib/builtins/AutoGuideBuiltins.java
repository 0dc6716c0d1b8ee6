package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.estimate.GradientStrategy;
import org.ppl4j.runtime.estimate.StrategyRegistry;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.stdlib.autoguide.AutoGuide;

/**
 * The automatic guides: {@code auto_normal}, {@code auto_mvnormal}, {@code auto_lowrank}, {@code auto_delta} and
 * {@code auto_flow}, each of a model and its observations (see {@link AutoGuide}).
 */
final class AutoGuideBuiltins {
    private static final double INIT_SCALE = 0.1;

    private AutoGuideBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("auto_delta", List.of("model", "observations", "name", "rest", "amortise"), 2,
                        false, (a, c) -> guide(AutoGuide.Kind.DELTA, a[0], a[1], null, null, 1, 0, 0, a[2], a[3], a[4],
                        c)),
                new Builtin("auto_flow", List.of("model", "observations", "layers", "hidden", "init_scale",
                        "estimator", "name", "rest", "amortise"), 2, false, (a, c) -> guide(AutoGuide.Kind.FLOW, a[0],
                        a[1], a[4], a[5], 1, a[2] == null ? 4 : Args.count("auto_flow", "layers", a[2], 0),
                        a[3] == null ? 16 : Args.count("auto_flow", "hidden", a[3], 1), a[6], a[7], a[8], c)),
                new Builtin("auto_lowrank", List.of("model", "observations", "rank", "init_scale", "estimator",
                        "name", "rest", "amortise"), 2, false, (a, c) -> guide(AutoGuide.Kind.LOWRANK, a[0], a[1], a[3],
                        a[4], a[2] == null ? 2 : Args.count("auto_lowrank", "rank", a[2], 1), 0, 0, a[5], a[6], a[7],
                        c)),
                new Builtin("auto_mvnormal", List.of("model", "observations", "init_scale", "estimator", "name",
                        "rest", "amortise"), 2, false, (a, c) -> guide(AutoGuide.Kind.MVNORMAL, a[0], a[1], a[2], a[3],
                        1, 0, 0, a[4], a[5], a[6], c)),
                new Builtin("auto_normal", List.of("model", "observations", "init_scale", "estimator", "name",
                        "rest", "amortise"), 2, false, (a, c) -> guide(AutoGuide.Kind.NORMAL, a[0], a[1], a[2], a[3],
                        1, 0, 0, a[4], a[5], a[6], c)));
    }

    private static AutoGuide guide(AutoGuide.Kind kind, Object model, Object observations, Object initScale,
            Object estimator, int rank, int layers, int hidden, Object name, Object rest, Object amortise,
            PplContext c) {
        String b = kind.builtin();
        double scale = initScale == null ? INIT_SCALE : Args.number(b, "init_scale", initScale);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException(b + ": 'init_scale' must be a positive number, got " + scale);
        }
        if (name != null && !(name instanceof String)) {
            throw new IllegalArgumentException(b + ": 'name' must be a string, got " + Printer.kind(name));
        }
        return AutoGuide.of(kind, c, InferenceBuiltins.model(b, model),
                InferenceBuiltins.choices(b, "observations", observations), strategy(b, estimator),
                new AutoGuide.Options(scale, rank, layers, hidden), (String) name, rest(b, rest),
                amortise == null ? null : InferenceBuiltins.generative(b + ": 'amortise'", amortise));
    }

    /**
     * The user's guide for the discrete sites: a guide, or a function of one argument that is given the automatic
     * part's values (a record by site address) and returns the guide.
     */
    private static AutoGuide.Rest rest(String builtin, Object rest) {
        if (rest == null) {
            return null;
        }
        if (rest instanceof org.ppl4j.runtime.trace.GenerativeFunction g) {
            return AutoGuide.Rest.of(g);
        }
        Object f = IterationBuiltins.function(builtin, "rest", rest, 1);
        return (context, values) -> InferenceBuiltins.generative(builtin + ": the guide that 'rest' returned",
                IterationBuiltins.call(context, f, new Object[] {values}));
    }

    private static GradientStrategy strategy(String builtin, Object estimator) {
        if (estimator == null) {
            return StrategyRegistry.get().parse("reparam");
        }
        if (estimator instanceof GradientStrategy s) {
            return s;
        }
        if (estimator instanceof String text) {
            return StrategyRegistry.get().parse(text);
        }
        throw new IllegalArgumentException(builtin + ": 'estimator' must name a strategy, as in estimator: \"path\","
                + " got " + Printer.kind(estimator));
    }
}
