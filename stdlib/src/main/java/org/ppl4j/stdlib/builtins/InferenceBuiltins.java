package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.runtime.value.TraceDistribution;

/** sim, density, merge and print. */
final class InferenceBuiltins {
    private InferenceBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                Builtin.of("sim", List.of("model"), (a, c) -> new TraceDistribution(model("sim", a[0]))),
                Builtin.of("density", List.of("model", "choices"), (a, c) -> {
                    BoundModel m = model("density", a[0]);
                    return Generative.density(c, m, choices("density", "choices", a[1]), params(c));
                }),
                Builtin.of("merge", List.of("a", "b"), (a, c) ->
                        ChoiceMap.merge(choices("merge", "a", a[0]), choices("merge", "b", a[1]))),
                new Builtin("print", List.of("values"), 0, true, (a, c) -> {
                    List<Object> values = ((org.ppl4j.runtime.value.PplList) a[0]).asList();
                    StringBuilder sb = new StringBuilder();
                    for (Object v : values) {
                        if (sb.length() > 0) {
                            sb.append(' ');
                        }
                        sb.append(Printer.show(v));
                    }
                    c.printStream().println(sb);
                    return PplNothing.INSTANCE;
                }));
    }

    static ParamProvider params(PplContext c) {
        return c.handler() == null ? c.params() : c.handler().params();
    }

    static BoundModel model(String builtin, Object v) {
        if (v instanceof BoundModel m) {
            return m;
        }
        if (v instanceof org.ppl4j.runtime.value.FunctionValue f
                && f.kind() == org.ppl4j.runtime.value.FunctionValue.Kind.MODEL) {
            throw new IllegalArgumentException(builtin + ": give the model its arguments, as in " + f.name() + "(...)");
        }
        throw new IllegalArgumentException(builtin + ": expected a model such as coin(8), got " + Printer.kind(v));
    }

    static ChoiceMap choices(String builtin, String param, Object v) {
        if (v instanceof ChoiceMap m) {
            return m;
        }
        if (v instanceof TraceDistribution) {
            throw new IllegalArgumentException(builtin + ": '" + param + "' is sim(...), a distribution over traces;"
                    + " draw a trace with z ~ sim(q) and pass z");
        }
        throw new IllegalArgumentException(builtin + ": '" + param + "' must be a choice map, got " + Printer.kind(v));
    }
}
