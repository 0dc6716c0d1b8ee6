package org.ppl4j.embed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ppl4j.runtime.FitObserver;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Stop;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplRecord;

/**
 * A compiled ppl4j program and the context it runs in. Top-level names stay in the context after
 * {@link #run()}, so {@link #get(String)} and {@link #lastFit()} read what the program left.
 *
 * <pre>{@code
 * PplOptions options = PplOptions.defaults().withSeed(3).withData("ys", new double[] {1.2, 0.4, 2.0});
 * try (PplProgram program = Ppl.compile("""
 *         model m(n) {
 *           mu ~ normal(0, 2)
 *           for i in 0..n { y[i] ~ normal(mu, 1) }
 *         }
 *         model g(n) {
 *           param loc = 0.0
 *           param scale = 1.0 : positive
 *           mu ~ normal(loc, scale)
 *         }
 *         let obs = choices { y: ys }
 *         let q = fit(elbo(m(len(ys)), g(len(ys)), obs), steps: 1000)
 *         """, "mean.ppl", options)) {
 *     FitResult fit = program.run().lastFit();
 *     double loc = fit.param("g.loc");
 *     program.set("ys", new double[] {0.1, 0.3, 0.2}); // the same program, new data
 *     FitResult again = program.run().lastFit();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use a program from one thread at a time (but {@link #cancel()} from any thread). For
 * parallel fits compile one program per thread: see {@link PplOptions#withEngine}. Close it to free its
 * context.
 */
public final class PplProgram implements AutoCloseable {
    private final String name;
    private final Context context;
    private final Value compiled;
    private final Set<String> dataNames;
    /**
     * What {@link #cancel()} requests: the stop {@code --timeout} and Ctrl-C use in {@code ppl run}, taken up by every
     * builtin call, inside long builtins (tiled products, loaders) and by a fit between its steps; reset when a run
     * ends.
     */
    private final Stop stop;
    /** The thread running {@link #run()}, or null. */
    private volatile Thread runner;
    /** Counts the runs, so that a late last resort of {@link #cancel()} leaves the next run alone. */
    private final AtomicLong runs = new AtomicLong();

    PplProgram(String name, Context context, Value compiled, PplOptions options, Stop stop) {
        this.name = name;
        this.context = context;
        this.compiled = compiled;
        this.stop = stop;
        this.dataNames = Set.copyOf(options.data().keySet());
        ProgressListener listener = options.progressListener();
        FitObserver observer = new FitObserver() {
            @Override
            public void onStep(int fit, int step, int steps, double objective) {
                if (listener != null) {
                    listener.onStep(new ProgressListener.Step(fit, step, steps, objective));
                }
            }

            @Override
            public void onEpoch(int fit, int epoch, double objective) {
                if (listener != null) {
                    listener.onEpoch(new ProgressListener.Epoch(fit, epoch, objective));
                }
            }
        };
        inContext(() -> {
            PplContext.get(null).setFitObserver(observer);
            return null;
        });
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
     * @throws PplException of kind {@link PplException.Kind#RUNTIME} for an error while running, of kind
     *     {@link PplException.Kind#CANCELLED} when {@link #cancel()} stopped it
     */
    public PplProgram run() {
        long run = runs.incrementAndGet();
        runner = Thread.currentThread();
        try {
            compiled.execute();
        } catch (PolyglotException e) {
            if (stop.reason() != null && !e.isInternalError() && !e.isHostException() && !e.isCancelled()) {
                throw cancelled(e);
            }
            throw convert(e, name);
        } finally {
            synchronized (this) {
                runner = null;
                runs.compareAndSet(run, run + 1); // a last resort scheduled for this run finds another number
                stop.reset();
            }
        }
        return this;
    }

    /** The error {@link #run()} throws once {@link #cancel()} stopped it. */
    private PplException cancelled(PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        boolean placed = at != null && at.isAvailable();
        String reason = e.isInterrupted() || "Execution got interrupted.".equals(e.getMessage())
                ? "cancelled (PplProgram.cancel()): interrupted " + CANCEL_GRACE_MS + " ms after the cancel"
                : e.getMessage() + " (PplProgram.cancel())";
        return new PplException(PplException.Kind.CANCELLED, name, placed ? at.getStartLine() : 0,
                placed ? at.getStartColumn() : 0, reason, ErrorFormatter.format(at, name, reason), e);
    }

    /**
     * Stops the program's run from any thread, as {@code ppl run --timeout} does: no builtin starts after the cancel, a
     * large matrix product stops between its tiles, a loader every MiB it reads or, waiting on a pipe, within 0.1 s,
     * and a fit after the step it is in, keeping that step as {@link #lastFit()} (with {@code stopped: "cancelled"}).
     * {@link #run()} then throws a {@link PplException} of kind {@link PplException.Kind#CANCELLED} on the thread that
     * runs it, saying where it stopped ({@code fit stopped after step 20 of 100000 (cancelled); ...}). Whatever has
     * not stopped {@value #CANCEL_GRACE_MS} ms later (a loop with no builtin call) is interrupted at the interpreter's
     * next safepoint, unless a fit is finishing its step, which gets up to {@value #CANCEL_FIT_MS} ms. Called while
     * nothing runs, it stops the next run at its first builtin call. The program stays usable: a later {@code run()}
     * runs afresh.
     *
     * <pre>{@code
     * ExecutorService pool = Executors.newSingleThreadExecutor();
     * try (PplProgram program = Ppl.compile(Path.of("examples/coin.ppl"))) {
     *     Future<?> running = pool.submit(program::run);
     *     Thread.sleep(100);
     *     program.cancel();
     *     // running.get() throws an ExecutionException whose cause is a PplException of kind CANCELLED
     * }
     * }</pre>
     */
    public void cancel() {
        long run;
        synchronized (this) {
            stop.request("cancelled");
            if (runner == null) {
                return;
            }
            run = runs.get();
        }
        LAST_RESORT.schedule(() -> lastResort(run, 0), CANCEL_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** How long a cancelled run has to stop at a cancellation point before it is interrupted. */
    static final long CANCEL_GRACE_MS = 500;
    /** How long, past the grace period, a fit that is finishing its step or summarising it may take. */
    static final long CANCEL_FIT_MS = 10_000;

    private static final ScheduledExecutorService LAST_RESORT = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ppl-cancel");
        t.setDaemon(true);
        return t;
    });

    /** Past the grace period: interrupts the run {@code run} unless it ended or a fit is finishing its step. */
    private void lastResort(long run, long waited) {
        if (runs.get() != run) {
            return;
        }
        if ((stop.acknowledged() || stop.inFit()) && waited < CANCEL_FIT_MS) {
            LAST_RESORT.schedule(() -> lastResort(run, waited + CANCEL_GRACE_MS), CANCEL_GRACE_MS,
                    TimeUnit.MILLISECONDS);
            return;
        }
        Thread t = new Thread(() -> {
            try {
                context.interrupt(Duration.ofSeconds(10));
            } catch (RuntimeException | java.util.concurrent.TimeoutException ignored) {
                // it ended meanwhile, or the context was closed
            }
        }, "ppl-cancel-interrupt");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Gives the data name {@code name} (one given with {@link PplOptions#withData} when the program was compiled)
     * a new value for the next {@link #run()}, converted as there. Not while the program runs.
     *
     * @return this program, to chain {@code set("ys", ys).run()}
     * @throws IllegalArgumentException if {@code name} was not given as data, or the value has no ppl4j form
     */
    public PplProgram set(String name, Object value) {
        if (!dataNames.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not data of " + this.name + "; its data names are "
                    + new java.util.TreeSet<>(dataNames) + " (give data when compiling: PplOptions.withData)");
        }
        Object guest = GuestValues.toGuest(value, name);
        inContext(() -> PplContext.get(null).globals().put(name, guest));
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
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (r.get("params") instanceof PplRecord p) {
            p.fields().forEach((k, v) -> shapes.put(k, GuestValues.shape(v)));
        }
        return new FitResult(params, shapes, objective, history, posterior, divergedAt, divergence);
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
            return LoadedFit.toJava(fittedOfLastFit("draw from").draws(c, n, c.rng()), n);
        });
    }

    /**
     * {@code n} posterior predictive draws of the last fit, as {@code predict(model, q, samples: n)} gives them: per
     * site of the fit's model (its latents from the guide, every other choice, the observed ones included, drawn
     * anew), in the form of {@link #drawsOfLastFit(int)}. Draws come from the program's random stream, so a program
     * with a seed gives the same draws for the same sequence of calls.
     *
     * <pre>{@code
     * Map<String, Object> pp = program.run().predictOfLastFit(1000);
     * double[] y = (double[]) pp.get("y"); // 1000 replicated observations of the site y
     * }</pre>
     *
     * @throws IllegalStateException when the program has run no fit with a model and a guide
     */
    public Map<String, Object> predictOfLastFit(int n) {
        return inContext(() -> {
            PplContext c = PplContext.get(null);
            org.ppl4j.vi.posterior.FittedPosterior f = fittedOfLastFit("predict with");
            if (f.model() == null) {
                throw new IllegalStateException(name + ": the last fit's objective names no model to predict with");
            }
            return LoadedFit.toJava(f.predict(c, n, c.rng()), n);
        });
    }

    /**
     * Loads a fit saved by {@link #saveLastFit} or {@code save_fit} (in this or another program) to draw from and
     * predict with in this program: its guide is the model of the saved name, which this program must define (run
     * the program first). The file is read by the host, outside the program's file sandbox.
     *
     * <pre>{@code
     * try (PplProgram program = Ppl.compile(Path.of("models.ppl"))) { // the model and the guide, no fit
     *     LoadedFit fit = program.run().loadFit(Path.of("fit.npz"));
     *     Map<String, Object> draws = fit.draws(1000);                 // per latent
     *     Map<String, Object> pp = fit.predict(1000, "line", xs);     // per site of line(xs)
     * }
     * }</pre>
     *
     * @throws java.io.IOException when the file cannot be read
     * @throws IllegalArgumentException when it is no saved fit, or its guide is not a model of this program
     */
    public LoadedFit loadFit(java.nio.file.Path file) throws java.io.IOException {
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        org.ppl4j.vi.posterior.FittedPosterior f = inContext(() -> {
            try {
                return org.ppl4j.stdlib.builtins.FitReport.loadedFit("loadFit", bytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        });
        return new LoadedFit(this, f);
    }

    private org.ppl4j.vi.posterior.FittedPosterior fittedOfLastFit(String what) {
        org.ppl4j.vi.posterior.FittedPosterior f = org.ppl4j.stdlib.builtins.FitReport.fitted(
                PplContext.get(null).lastFit());
        if (f == null) {
            throw new IllegalStateException(name + " has run no fit with a guide to " + what);
        }
        return f;
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

    /**
     * The top-level name {@code name} as a {@code double[]}: a number as one element, a tensor flattened
     * row-major, a list of numbers element by element.
     *
     * @throws IllegalArgumentException if there is no such name or it is not numeric
     */
    public double[] getArray(String name) {
        return inContext(() -> {
            Object v = AD.value(PplContext.get(null).globals().get(name));
            if (v instanceof Double d) {
                return new double[] {d};
            }
            if (v instanceof Tensor t) {
                return t.toArray();
            }
            if (v instanceof PplList l) {
                double[] out = new double[l.size()];
                for (int i = 0; i < out.length; i++) {
                    if (!(AD.value(l.get(i)) instanceof Double d)) {
                        throw new IllegalArgumentException("'" + name + "' is a list whose element " + i
                                + " is not a number");
                    }
                    out[i] = d;
                }
                return out;
            }
            throw new IllegalArgumentException(v == null ? "no top-level name '" + name + "' in " + this.name
                    : "'" + name + "' is not a number, tensor or list of numbers");
        });
    }

    /**
     * The top-level name {@code name} as a new float64 ND4J array of its shape: a number has shape [], a list of
     * numbers [n]; see {@link #getArray(String)}.
     */
    public INDArray getTensor(String name) {
        double[] data = getArray(name);
        int[] shape = inContext(() -> PplContext.get(null).globals().get(name) instanceof PplList
                ? new int[] {data.length} : GuestValues.shape(PplContext.get(null).globals().get(name)));
        return Nd4jArrays.of(shape, data);
    }

    /** The polyglot context the program runs in, for {@code context().eval("ppl", ...)}. */
    public Context context() {
        return context;
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            stop.close();
        }
    }

    /**
     * Runs {@code body} on the calling thread with this program's context entered, for integrations that drive the
     * program's runtime from their own threads (ppl4j-spark's executors). Not while the program runs on another
     * thread.
     *
     * @param body what to run
     * @param <T> what it returns
     * @return what {@code body} returned
     */
    public <T> T within(Supplier<T> body) {
        return inContext(body);
    }

    <T> T inContext(Supplier<T> body) {
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
