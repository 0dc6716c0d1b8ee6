package org.ppl4j.stdlib.builtins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.vi.posterior.Draws;
import org.ppl4j.vi.posterior.FittedPosterior;
import org.ppl4j.vi.posterior.SavedFit;

/**
 * {@code draws(q, n)}: n draws of the fitted guide per latent; {@code predict(model, samples: n)} and
 * {@code predict(model, q, samples: n)}: prior and posterior predictive draws per site. Each returns a record of
 * tensors with a leading axis of draws. The work is {@link FittedPosterior}'s; these parse and wrap.
 */
final class PosteriorBuiltins {
    static final int DEFAULT_DRAWS = 1000;

    private PosteriorBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                Builtin.of("draws", List.of("fit", "n"), (a, c) -> record(fitted("draws", a[0])
                        .draws(c, Args.count("draws", "n", a[1], 1), c.rng()))),
                new Builtin("predict", List.of("model", "fit", "samples", "vectorise"), 1, false, (a, c) -> {
                    if (!(a[0] instanceof BoundModel model)) {
                        throw new IllegalArgumentException("predict: 'model' must be a model called with its arguments,"
                                + " such as coin(8), got " + Printer.kind(a[0]));
                    }
                    int n = a[2] == null ? DEFAULT_DRAWS : Args.count("predict", "samples", a[2], 1);
                    if (a[3] != null && !(a[3] instanceof Boolean)) {
                        throw new IllegalArgumentException("predict: 'vectorise' must be true or false, got "
                                + Printer.kind(a[3]));
                    }
                    boolean vectorise = a[3] == null || (Boolean) a[3];
                    if (a[1] == null) {
                        return record(FittedPosterior.priorPredict(c, model, c.params(), n, c.rng(), vectorise));
                    }
                    FittedPosterior q = fitted("predict", a[1]);
                    return record(new FittedPosterior(model, q.guide(), q.observations(), q.params(), q.settings())
                            .predict(c, n, c.rng(), vectorise));
                }),
                Builtin.of("save_fit", List.of("fit", "path"), (a, c) -> {
                    FittedPosterior q = fitted("save_fit", a[0]);
                    String path = path("save_fit", a[1]);
                    writeAtomically(c, path, SavedFit.of(q).encode());
                    return path;
                }),
                Builtin.of("load_fit", List.of("path"), (a, c) -> {
                    String path = path("load_fit", a[0]);
                    SavedFit saved;
                    try {
                        saved = SavedFit.decode(org.ppl4j.runtime.PplFiles.file(c, "load_fit", path).readAllBytes());
                    } catch (SecurityException e) {
                        throw new IllegalArgumentException(org.ppl4j.runtime.PplFiles.refusal("load_fit", path, e), e);
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException("load_fit: cannot read " + path + ": " + e.getMessage());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("load_fit: " + path + ": " + e.getMessage());
                    }
                    Map<String, Object> params = new LinkedHashMap<>();
                    saved.params().forEach(p -> params.put(p.key().toString(), p.value()));
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("params", new PplRecord("parameter table", params));
                    fields.put("guide", saved.guide() == null ? "" : saved.guide());
                    PplRecord r = new PplRecord("saved fit", fields);
                    SAVED.put(r, saved);
                    return r;
                }));
    }

    private static final Map<PplRecord, SavedFit> SAVED = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The saved fit {@code load_fit} returned as {@code v}, or null. */
    static SavedFit saved(Object v) {
        return v instanceof PplRecord r ? SAVED.get(r) : null;
    }

    private static String path(String builtin, Object v) {
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException(builtin + ": 'path' must be a file name such as \"fit.npz\", got "
                    + Printer.kind(v));
        }
        return s;
    }

    /** Through the context's file system (the sandbox applies): a temporary file beside it, renamed over it. */
    private static void writeAtomically(PplContext c, String path, byte[] bytes) {
        com.oracle.truffle.api.TruffleFile f = org.ppl4j.runtime.PplFiles.file(c, "save_fit", path);
        try {
            com.oracle.truffle.api.TruffleFile dir = f.getAbsoluteFile().getParent();
            if (dir != null) {
                dir.createDirectories();
            }
            com.oracle.truffle.api.TruffleFile tmp = f.getAbsoluteFile().resolveSibling("." + f.getName() + ".tmp");
            try (java.io.OutputStream out = tmp.newOutputStream()) {
                out.write(bytes);
            }
            tmp.move(f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (SecurityException e) {
            throw new IllegalArgumentException(org.ppl4j.runtime.PplFiles.refusal("save_fit", path, e), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("save_fit: cannot write " + path + ": " + e.getMessage());
        }
    }

    /**
     * Before a fit with {@code init: load_fit(...)}: runs the objective once at throwaway parameters to learn the
     * program's parameters, refuses a saved fit whose parameters differ (naming each), else puts the saved values
     * into {@code store} as the fit's starting point.
     */
    static void initialise(PplContext c, String builtin, Object init, org.ppl4j.runtime.value.ObjectiveInstance objective,
            org.ppl4j.vi.ParamStore store, long seed) {
        SavedFit saved = saved(init);
        if (saved == null) {
            throw new IllegalArgumentException(builtin + ": 'init' must be a saved fit, load_fit(\"fit.npz\"), got "
                    + Printer.kind(init));
        }
        org.ppl4j.vi.ParamStore probe = new org.ppl4j.vi.ParamStore();
        org.ppl4j.runtime.Rng rng = new org.ppl4j.runtime.Rng(seed);
        new org.ppl4j.runtime.estimate.ObjectiveRun(c, probe.constants(), null, rng, rng,
                org.ppl4j.runtime.estimate.ReplayPlan.BASE, null).run(objective);
        Map<org.ppl4j.runtime.param.ParamKey, SavedFit.Param> program = new LinkedHashMap<>();
        for (SavedFit.Param p : SavedFit.of(probe, null, null).params()) {
            program.put(p.key(), p);
        }
        List<String> mismatches = saved.mismatches(program);
        if (!mismatches.isEmpty()) {
            throw new IllegalArgumentException(builtin + ": the saved fit's parameters differ from this program's: "
                    + String.join("; ", mismatches));
        }
        org.ppl4j.vi.ParamStore loaded = saved.toStore();
        for (org.ppl4j.runtime.param.ParamKey k : loaded.keys()) {
            store.put(k, loaded.constraint(k), loaded.unconstrained(k));
        }
    }

    /** The fitted posterior of a fit result, or an error naming the builtin. */
    static FittedPosterior fitted(String builtin, Object fit) {
        SavedFit saved = saved(fit);
        if (saved != null) {
            return loaded(builtin, saved);
        }
        PplRecord r = FitReport.fitResult(builtin, fit);
        FitDetails d = FitDetails.of(r);
        if (d == null || d.fitted() == null) {
            throw new IllegalArgumentException(builtin + ": this fit has no guide to draw from (its objective must be "
                    + "called with a model and a guide, as elbo(p, q, obs) is)");
        }
        return d.fitted();
    }

    /**
     * A saved fit's guide, found by name among the program's models with its saved arguments, or rebuilt from the
     * description an automatic guide saved; with its parameters and, when the program defines the fit's model, the
     * model and the observations (for tracked quantities).
     */
    static FittedPosterior loaded(String builtin, SavedFit saved) {
        PplContext c = PplContext.get(null);
        BoundModel model = null;
        org.ppl4j.runtime.value.ChoiceMap observations = null;
        org.ppl4j.runtime.value.FunctionValue m = saved.model() == null ? null
                : programModel(c, String.valueOf(saved.model().get("name")));
        if (m != null && saved.model().get("args") instanceof List<?> args) {
            model = new BoundModel(m, args.toArray());
            observations = SavedFit.observations(saved.model());
        }
        if (saved.automatic() != null) {
            return new FittedPosterior(model, org.ppl4j.stdlib.autoguide.AutoGuide.fromSaved(builtin,
                    saved.automatic(), name -> programModel(c, name)), observations, saved.toStore(), Map.of());
        }
        Object g = saved.guide() == null ? null : c.globals().get(saved.guide());
        if (saved.guide() != null && saved.guide().startsWith("auto_") && saved.guide().contains("(")) {
            throw new IllegalArgumentException(builtin + ": the saved fit's guide is the automatic guide "
                    + saved.guide() + ", which this saved fit cannot rebuild (it was saved without its description,"
                    + " or its sites have bounds that are tensors): build it again in the program and fit it with"
                    + " init: load_fit(...), steps: 0");
        }
        if (!(g instanceof org.ppl4j.runtime.value.FunctionValue f)
                || f.kind() != org.ppl4j.runtime.value.FunctionValue.Kind.MODEL) {
            throw new IllegalArgumentException(builtin + ": the saved fit's guide is the model '" + saved.guide()
                    + "', which this program does not define");
        }
        if (saved.guideArgs() == null) {
            throw new IllegalArgumentException(builtin + ": the saved fit's guide " + saved.guide() + " was called with "
                    + "arguments that are not numbers, strings or booleans, which a saved fit cannot hold");
        }
        return new FittedPosterior(model, new BoundModel(f, saved.guideArgs().toArray()), observations,
                saved.toStore(), Map.of());
    }

    /** The program's model of that name, or null. */
    private static org.ppl4j.runtime.value.FunctionValue programModel(PplContext c, String name) {
        return c.globals().get(name) instanceof org.ppl4j.runtime.value.FunctionValue f
                && f.kind() == org.ppl4j.runtime.value.FunctionValue.Kind.MODEL ? f : null;
    }

    static PplRecord record(Draws d) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<Address, Tensor> e : d.byAddress().entrySet()) {
            fields.put(e.getKey().toString(), e.getValue());
        }
        return new PplRecord("draws", fields);
    }

    /** Used by the CLI for the fit a program ran last. */
    static FittedPosterior fittedOrNull(Object fit) {
        FitDetails d = fit instanceof PplRecord r ? FitDetails.of(r) : null;
        return d == null ? null : d.fitted();
    }
}
