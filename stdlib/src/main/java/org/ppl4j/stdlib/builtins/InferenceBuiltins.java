package org.ppl4j.stdlib.builtins;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.GenerativeFunction;
import org.ppl4j.runtime.trace.Marginal;
import org.ppl4j.runtime.trace.Normalized;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.runtime.value.TraceDistribution;

/** sim, density, marginal, normalize, merge and print. */
final class InferenceBuiltins {
    private InferenceBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("arg", List.of("name", "default"), 1, false, (a, c) -> argument(a, c)),
                Builtin.of("sim", List.of("model"), (a, c) -> new TraceDistribution(generative("sim", a[0]))),
                new Builtin("density", List.of("model", "choices", "keep"), 2, false, (a, c) -> {
                    GenerativeFunction m = generative("density", a[0]);
                    ChoiceMap t = choices("density", "choices", a[1]);
                    if (a.length > 2 && a[2] != null) {
                        if (!"data".equals(a[2])) {
                            throw new IllegalArgumentException("density: 'keep' takes \"data\" (one log density per"
                                    + " datum), got " + Printer.show(a[2]));
                        }
                        return m.densityPerDatum(c, t, params(c));
                    }
                    return m.density(c, t, params(c));
                }),
                // data_sum(v): N / B times the sum of per-datum values v (N / B = 1 outside a minibatch fit); a
                // number, a density with no data axis, is returned as it is
                Builtin.of("data_sum", List.of("values"), (a, c) -> {
                    Object v = Args.numeric("data_sum", "values", a[0]);
                    if (!org.ppl4j.runtime.ad.AD.isTensor(v) || org.ppl4j.runtime.ad.AD.tensorValue(v).rank() == 0) {
                        return v;
                    }
                    double scale = c.minibatchScale();
                    Object total = org.ppl4j.runtime.ad.AD.sum(v);
                    return scale == 1 ? total : org.ppl4j.runtime.ad.AD.mul(total, scale);
                }),
                new Builtin("marginal", List.of("model", "keep", "aux", "particles"), 1, false, (a, c) -> marginal(a)),
                new Builtin("normalize", List.of("model", "observations", "proposal", "particles"), 3, false,
                        (a, c) -> {
                            GenerativeFunction p = generative("normalize", a[0]);
                            ChoiceMap obs = choices("normalize", "observations", a[1]);
                            GenerativeFunction q = generative("normalize", a[2]);
                            int k = a[3] == null ? 10 : Args.count("normalize", "particles", a[3], 1);
                            return new Normalized(p, obs, q, k);
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

    /**
     * {@code marginal(g, keep: [...], aux: r, particles: m)}; without {@code keep}, g must be a marginal already
     * and the result is the same marginal with the particles (and the aux guide, where given) changed: this is how
     * iwhvi(p, qz, obs, m) sets m on the marginal it is given.
     */
    private static Marginal marginal(Object[] a) {
        Object particles = a[3];
        if (a[1] == null) {
            if (!(a[0] instanceof Marginal given)) {
                throw new IllegalArgumentException("marginal: say which choices to keep, as in marginal(g, keep: [\"z\"],"
                        + " aux: r); only a marginal already made can be given without 'keep'");
            }
            return given.with(a[2], particles == null ? given.particles()
                    : Args.count("marginal", "particles", particles, 1));
        }
        GenerativeFunction g = generative("marginal", a[0]);
        List<String> keep = new ArrayList<>();
        Object[] ks = a[1] instanceof PplList l ? l.toArray() : new Object[] {a[1]};
        for (Object k : ks) {
            if (!(k instanceof String s)) {
                throw new IllegalArgumentException("marginal: 'keep' must list addresses as strings, as in"
                        + " keep: [\"z\"], got " + Printer.kind(k));
            }
            keep.add(s);
        }
        int m = particles == null ? 1 : Args.count("marginal", "particles", particles, 1);
        return new Marginal(g, keep, a[2], m);
    }

    /**
     * {@code arg("k", 5)}: the program argument {@code --k 10} given after the file on the command line (a number
     * when it reads as one, else a string), or the default; without a default, a missing argument is an error.
     */
    private static Object argument(Object[] a, PplContext c) {
        if (!(a[0] instanceof String name)) {
            throw new IllegalArgumentException("arg: the name must be a string, got " + Printer.kind(a[0]));
        }
        String v = c.programArgs().get(name);
        if (v == null) {
            if (a[1] == null) {
                throw new IllegalArgumentException("arg: no argument --" + name + " was given to the program");
            }
            return a[1];
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException notANumber) {
            return v;
        }
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

    /** A model bound to its arguments, or a value built from one (marginal, normalize, detach). */
    static GenerativeFunction generative(String builtin, Object v) {
        if (v instanceof GenerativeFunction g) {
            return g;
        }
        return model(builtin, v);
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
