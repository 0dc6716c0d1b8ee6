package org.ppl4j.embed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.ppl4j.cli.ErrorFormatter;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplRecord;

/**
 * A compiled ppl4j program and the context it runs in. Top-level names stay in the context after
 * {@link #run()}, so {@link #get(String)} and {@link #lastFit()} read what the program left.
 *
 * <p>Not thread-safe: use a program from one thread at a time. Close it to free its context.
 */
public final class PplProgram implements AutoCloseable {
    private final String name;
    private final Context context;
    private final Value compiled;

    PplProgram(String name, Context context, Value compiled) {
        this.name = name;
        this.context = context;
        this.compiled = compiled;
    }

    /** The name its errors show: the file name given to {@link Ppl#compile}. */
    public String name() {
        return name;
    }

    /**
     * Runs the program. Running it again runs it again in the same context (its top-level names are
     * defined anew; each fit starts from the program's initial parameters).
     *
     * @return this program, to chain {@code run().lastFit()}
     * @throws PplException of kind {@link PplException.Kind#RUNTIME} for an error while running
     */
    public PplProgram run() {
        try {
            compiled.execute();
        } catch (PolyglotException e) {
            throw convert(e, name);
        }
        return this;
    }

    /** Whether the program has run a {@code fit}. */
    public boolean hasFit() {
        return inContext(() -> PplContext.get(null).lastFit() != null);
    }

    /**
     * The result of the last {@code fit} the program ran; after a fit that diverged (and so ended
     * {@link #run()} with an error), its last good step: see {@link FitResult#divergedAtStep()}.
     *
     * @throws IllegalStateException when it has run none
     */
    public FitResult lastFit() {
        Object fit = inContext(() -> PplContext.get(null).lastFit());
        if (!(fit instanceof PplRecord r)) {
            throw new IllegalStateException(name + " has not run a fit" + (fit == null ? "" : ": " + fit));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (r.get("params") instanceof PplRecord p) {
            p.fields().forEach((k, v) -> params.put(k, GuestValues.toJava(v)));
        }
        double objective = Double.NaN;
        double[] history = new double[0];
        if (r.get("objective") instanceof PplRecord o) {
            objective = number(o.get("final"));
            Object h = AD.value(o.get("history"));
            if (h instanceof Tensor t) {
                history = t.toArray();
            }
        }
        Map<String, Posterior> posterior = new LinkedHashMap<>();
        if (r.get("posterior") instanceof PplRecord p) {
            p.fields().forEach((address, v) -> {
                if (v instanceof PplRecord s) {
                    posterior.put(address, new Posterior(number(s.get("mean")), number(s.get("sd")),
                            number(s.get("q05")), number(s.get("q50")), number(s.get("q95"))));
                }
            });
        }
        int divergedAt = 0;
        String divergence = null;
        if (r.get("diverged") instanceof PplRecord d) {
            divergedAt = (int) number(d.get("step"));
            divergence = d.get("reason") instanceof String reason ? reason : null;
        }
        return new FitResult(params, objective, history, posterior, divergedAt, divergence);
    }

    /**
     * Saves the last fit's parameters as {@code save_fit} does (a NumPy {@code .npz} with a {@code ppl4j_fit} entry,
     * written atomically), for {@code load_fit} in this or another program.
     *
     * @throws IllegalStateException when the program has run no fit with a guide
     */
    public void saveLastFit(java.nio.file.Path file) throws java.io.IOException {
        byte[] bytes = inContext(() -> {
            org.ppl4j.vi.posterior.FittedPosterior f = org.ppl4j.stdlib.builtins.FitReport.fitted(
                    PplContext.get(null).lastFit());
            if (f == null) {
                throw new IllegalStateException(name + " has run no fit with a guide to save");
            }
            return org.ppl4j.vi.posterior.SavedFit.of(f).encode();
        });
        org.ppl4j.vi.posterior.AtomicFile.write(file, out -> out.write(bytes));
    }

    /**
     * {@code n} draws of the last fit's guide, per latent address: a number-valued site as {@code double[n]}, a
     * vector-valued one as {@code double[n][k]} (higher ranks flattened per draw, row-major).
     *
     * @throws IllegalStateException when the program has run no fit with a guide
     */
    public Map<String, Object> drawsOfLastFit(int n) {
        return inContext(() -> {
            PplContext c = PplContext.get(null);
            org.ppl4j.vi.posterior.FittedPosterior f = org.ppl4j.stdlib.builtins.FitReport.fitted(c.lastFit());
            if (f == null) {
                throw new IllegalStateException(name + " has run no fit with a guide to draw from");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            f.draws(c, n, c.rng()).byAddress().forEach((address, t) -> {
                double[] all = t.toArray();
                int per = all.length / n;
                if (t.rank() == 1) {
                    out.put(address.toString(), all);
                } else {
                    double[][] rows = new double[n][];
                    for (int i = 0; i < n; i++) {
                        rows[i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
                    }
                    out.put(address.toString(), rows);
                }
            });
            return out;
        });
    }

    /**
     * The value of the top-level name {@code name} as a Java value, or null when there is no such name (or
     * its value is {@code nothing}). Numbers are {@link Double}, booleans {@link Boolean}, strings
     * {@link String}, lists {@code List<Object>}, tensors {@code double[]} or {@code double[][]}, records and
     * choice maps {@code Map<String, Object>}; functions and models their printed form.
     */
    public Object get(String name) {
        return inContext(() -> GuestValues.toJava(PplContext.get(null).globals().get(name)));
    }

    /** The polyglot context the program runs in, for {@code context().eval("ppl", ...)}. */
    public Context context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }

    private <T> T inContext(Supplier<T> body) {
        context.enter();
        try {
            return body.get();
        } finally {
            context.leave();
        }
    }

    private static double number(Object v) {
        Object x = AD.value(v);
        return x instanceof Double d ? d : x instanceof Tensor t && t.size() == 1 ? t.get(0) : Double.NaN;
    }

    static RuntimeException convert(PolyglotException e, String name) {
        if (e.isInternalError() || e.isHostException()) {
            return new IllegalStateException(name + ": ppl4j internal error: " + e.getMessage(), e);
        }
        if (e.isCancelled()) {
            return new IllegalStateException(name + ": the program's context was closed", e);
        }
        SourceSection at = e.getSourceLocation();
        boolean placed = at != null && at.isAvailable();
        return new PplException(e.isSyntaxError() ? PplException.Kind.COMPILE : PplException.Kind.RUNTIME, name,
                placed ? at.getStartLine() : 0, placed ? at.getStartColumn() : 0, e.getMessage(),
                ErrorFormatter.format(at, name, e.getMessage()), e);
    }
}
