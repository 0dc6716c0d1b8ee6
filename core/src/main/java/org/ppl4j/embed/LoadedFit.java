package org.ppl4j.embed;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.value.BoundModel;
import org.ppl4j.runtime.value.FunctionValue;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.vi.posterior.Draws;
import org.ppl4j.vi.posterior.FittedPosterior;

/**
 * A saved fit loaded into a program with {@link PplProgram#loadFit}: draws of its guide and posterior predictive
 * draws of any of the program's models, as Java arrays. Draws come from the program's random stream. Like its
 * program, use it from one thread at a time; it is usable while the program is open.
 *
 * <pre>{@code
 * try (PplProgram program = Ppl.compile(Path.of("models.ppl"))) {
 *     LoadedFit fit = program.run().loadFit(Path.of("fit.npz"));
 *     double[] b = (double[]) fit.draws(1000).get("b");
 *     double[] y3 = (double[]) fit.predict(1000, "line", new double[] {0, 1, 2, 3}).get("y[3]");
 * }
 * }</pre>
 */
public final class LoadedFit {
    private final PplProgram program;
    private final FittedPosterior fitted;

    LoadedFit(PplProgram program, FittedPosterior fitted) {
        this.program = program;
        this.fitted = fitted;
    }

    /** The name of the model the fit's guide is. */
    public String guide() {
        return fitted.guide().name();
    }

    /**
     * {@code n} draws of the guide per latent address, as {@code draws(load_fit(...), n)}: a number-valued site as
     * {@code double[n]}, a vector-valued one as {@code double[n][k]} (higher ranks flattened per draw, row-major).
     */
    public Map<String, Object> draws(int n) {
        return program.inContext(() -> {
            PplContext c = PplContext.get(null);
            return toJava(fitted.draws(c, n, c.rng()), n);
        });
    }

    /**
     * {@code n} posterior predictive draws of {@code model(args...)}, as {@code predict(model(args), load_fit(...),
     * samples: n)}: per site, its latents from the guide and every other choice drawn from the model, in the form of
     * {@link #draws(int)}. The arguments are converted as data is ({@link PplOptions#withData}).
     *
     * @throws IllegalArgumentException when the program defines no model {@code model} or an argument has no ppl4j
     *     form
     * @throws PplException for an error while running the model
     */
    public Map<String, Object> predict(int n, String model, Object... args) {
        if (n < 1) {
            throw new IllegalArgumentException("predict: n must be at least 1, got " + n);
        }
        return program.inContext(() -> {
            PplContext c = PplContext.get(null);
            Object m = c.globals().get(model);
            if (!(m instanceof FunctionValue f) || f.kind() != FunctionValue.Kind.MODEL) {
                throw new IllegalArgumentException("predict: " + program.name() + " defines no model '" + model + "'"
                        + (m == null ? "" : "; it is " + Printer.kind(m)));
            }
            Object[] guest = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                guest[i] = GuestValues.toGuest(args[i], model + " argument " + (i + 1));
            }
            FittedPosterior withModel = new FittedPosterior(new BoundModel(f, guest), fitted.guide(), null,
                    fitted.params(), fitted.settings());
            return toJava(withModel.predict(c, n, c.rng()), n);
        });
    }

    /** Draws per address as Java arrays: rank 1 as {@code double[n]}, else {@code double[n][]} row-major. */
    static Map<String, Object> toJava(Draws draws, int n) {
        Map<String, Object> out = new LinkedHashMap<>();
        draws.byAddress().forEach((address, t) -> {
            double[] all = t.toArray();
            int per = all.length / n;
            if (t.rank() == 1) {
                out.put(address.toString(), all);
            } else {
                double[][] rows = new double[n][];
                for (int i = 0; i < n; i++) {
                    rows[i] = Arrays.copyOfRange(all, i * per, (i + 1) * per);
                }
                out.put(address.toString(), rows);
            }
        });
        return out;
    }
}
