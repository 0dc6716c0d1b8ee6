package org.ppl4j.stdlib.builtins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.trace.Generative;
import org.ppl4j.runtime.value.ChoiceMap;
import org.ppl4j.runtime.value.PplRecord;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.vi.Summary;

/**
 * Reports on a fit's result: the summary table ({@code summary(q)}, {@code ppl run --summary}) and the plots
 * ({@code plot(q, dir)}, {@code ppl run --plot DIR}).
 */
public final class FitReport {
    private FitReport() {
    }

    /** The fit result a report is about, or an error naming {@code builtin} when {@code v} is not one. */
    static PplRecord fitResult(String builtin, Object v) {
        if (v instanceof PplRecord r && "fit result".equals(r.typeName())) {
            return r;
        }
        throw new IllegalArgumentException(builtin + ": expected the result of fit(...), got " + Printer.kind(v));
    }

    /**
     * The summary table of a fit result, Stan- and ArviZ-style: a line about the fit, then one row per latent
     * address with the mean, standard deviation and the 5%, 50% and 95% quantiles of the fitted guide's draws,
     * then (where the objective has importance weights) Kish's effective sample size of the weights
     * {@code p(x, z) / q(z)} of the guide draws. Must run in the context that ran the fit (the weights run the
     * model and the guide).
     */
    public static String summary(Object fit, PplContext context) {
        PplRecord r = fitResult("summary", fit);
        FitDetails d = FitDetails.of(r);
        StringBuilder sb = new StringBuilder();
        PplRecord objective = r.get("objective") instanceof PplRecord o ? o : null;
        if (d != null) {
            sb.append(d.objective()).append(": ").append(d.steps()).append(d.steps() == 1 ? " step" : " steps");
            if (r.get("settings") instanceof PplRecord st && st.get("stopped_at") instanceof Double at) {
                sb.append(" (tol ").append(Printer.show(st.get("tol"))).append(at < d.steps()
                        ? " met at step " + at.longValue() : " not met").append(')');
            }
            if (d.resumedAt() > 0) {
                sb.append(" (resumed after step ").append(d.resumedAt()).append(')');
            }
            if (r.get("stopped") instanceof String reason && r.get("stopped_after_step") instanceof Double after) {
                // a timeout or Ctrl-C: the steps asked for were not all run
                sb.append(" asked, stopped after step ").append(after.longValue()).append(" (").append(reason)
                        .append("; the parameters of that step)");
            }
            if (r.get("diverged") instanceof PplRecord diverged) {
                sb.append(" (diverged at step ").append((long) AD.scalarValue(diverged.get("step")))
                        .append("; the parameters from before it)");
            }
            sb.append(", ").append(d.particles()).append(d.particles() == 1 ? " particle" : " particles");
            if (objective != null) {
                sb.append(", objective ").append(number(objective.get("final"))).append(" (at the fitted parameters, ")
                        .append(d.samples()).append(d.samples() == 1 ? " run)" : " runs)");
            }
        } else if (objective != null) {
            sb.append("objective ").append(number(objective.get("final")));
        }
        sb.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "mean", "mcse", "sd", "5%", "50%", "95%"});
        if (r.get("posterior") instanceof PplRecord post) {
            for (Map.Entry<String, Object> e : post.fields().entrySet()) {
                if (e.getValue() instanceof PplRecord s) {
                    rows.add(new String[] {e.getKey(), number(s.get("mean")), number(s.get("mcse")), number(s.get("sd")),
                        number(s.get("q05")), number(s.get("q50")), number(s.get("q95"))});
                }
            }
        }
        if (rows.size() == 1) {
            sb.append("(the guide has no latent choices)\n");
        } else {
            table(sb, rows);
        }
        if (r.get("diagnostics") instanceof PplRecord g) {
            double ess = AD.scalarValue(g.get("ess"));
            int draws = (int) AD.scalarValue(g.get("draws"));
            if (Double.isFinite(ess)) {
                sb.append("ESS of the importance weights p(x, z) / q(z): ").append(String.format(Locale.ROOT, "%.1f", ess))
                        .append(" of ").append(draws).append(draws == 1 ? " guide draw" : " guide draws")
                        .append('\n');
            }
            double k = AD.scalarValue(g.get("khat"));
 sb.append("PSIS k-hat of the weights: ").append(Double.isNaN(k) ? "nan (too few draws)"
                    : String.format(Locale.ROOT, "%.2f", Math.floor(k * 100) / 100) + " (" + g.get("verdict") + ": "
                    + (k < 0.5 ? "k < 0.5" : k < 0.7 ? "0.5 <= k < 0.7" : "k >= 0.7, the guide misses the posterior's tail")
                    + ")").append('\n');
        }
        return sb.toString();
    }

    /**
     * The fit's result with two more fields: {@code settings} (objective, steps, particles, seed, ... as the fit ran,
     * with {@code stopped_at} when {@code tol} stopped it early) and, where the objective has importance weights,
     * {@code diagnostics}: PSIS {@code khat} with its {@code verdict}, the weights' {@code ess} and the number of
     * {@code draws} weighed (the summary runs' guide traces).
     */
    static PplRecord withSettingsAndDiagnostics(PplRecord result, FitDetails d, PplContext context) {
        Map<String, Object> fields = new LinkedHashMap<>(result.fields());
        Map<String, Object> settings = new LinkedHashMap<>();
        if (d.fitted() != null) {
            d.fitted().settings().forEach((k, v) -> settings.put(k, settingValue(v)));
        }
        fields.put("settings", new PplRecord("fit settings", settings));
        if (d.weighing() != null) {
            double[] lw;
            try {
                lw = logWeights(d.weighing(), context);
            } catch (RuntimeException e) {
                lw = null; // the model cannot score the guide's traces: no weights
            }
            if (lw != null) {
                org.ppl4j.vi.posterior.FittedPosterior.Diagnostics g = org.ppl4j.vi.posterior.FittedPosterior.Diagnostics.of(lw);
                Map<String, Object> diag = new LinkedHashMap<>();
                diag.put("khat", g.khat());
                diag.put("verdict", g.verdict());
                diag.put("ess", g.ess());
                diag.put("draws", (double) g.draws());
                fields.put("diagnostics", new PplRecord("fit diagnostics", diag));
            }
        }
        return new PplRecord("fit result", fields);
    }

    private static Object settingValue(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** log p(x, z) - log q(z) for every kept guide trace z, at the fitted parameters. */
    static double[] logWeights(FitDetails.Weighing w, PplContext context) {
        ParamProvider params = w.params().constants();
        double[] lw = new double[w.traces().size()];
        for (int i = 0; i < lw.length; i++) {
            ChoiceMap z = w.traces().get(i);
            double lp = AD.scalarValue(Generative.density(context, w.model(), ChoiceMap.merge(z, w.observations()),
                    params));
            double lq = AD.scalarValue(w.guide().density(context, z, params));
            lw[i] = lp - lq;
        }
        return lw;
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int j = 0; j < columns; j++) {
                width[j] = Math.max(width[j], row[j].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < columns; j++) {
                if (j == 0) {
                    line.append(row[j]).append(" ".repeat(width[j] - row[j].length()));
                } else {
                    line.append("  ").append(" ".repeat(width[j] - row[j].length())).append(row[j]);
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Three decimals, or three significant digits in scientific notation for very large or small values. */
    static String number(Object v) {
        Object x = AD.value(v);
        double d = x instanceof Double dd ? dd : x instanceof Tensor t && t.size() == 1 ? t.get(0) : Double.NaN;
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(d);
        if (a == 0 || (a >= 1e-3 && a < 1e6)) {
            String s = String.format(Locale.ROOT, "%.3f", d);
            return s.equals("-0.000") ? "0.000" : s;
        }
        return String.format(Locale.ROOT, "%.3e", d);
    }

    // ---------------------------------------------------------------- the fitted posterior, for the CLI

    /** The fitted posterior of a fit result, or null when it has none (its objective names no guide). */
    public static org.ppl4j.vi.posterior.FittedPosterior fitted(Object fit) {
        return PosteriorBuiltins.fittedOrNull(fit);
    }

    /**
     * A fit that {@code save_fit} wrote ({@code npz}, the file's bytes), its guide found by name among the current
     * program's models, as {@code load_fit} gives it to {@code draws} and {@code predict}; for the Java API. Must run
     * in a ppl4j context. Its model is null: give one with {@link org.ppl4j.vi.posterior.FittedPosterior}'s
     * constructor to predict.
     *
     * @throws IllegalArgumentException for a file that is no saved fit, or a guide the program does not define
     */
    public static org.ppl4j.vi.posterior.FittedPosterior loadedFit(String builtin, byte[] npz) {
        return PosteriorBuiltins.loaded(builtin, org.ppl4j.vi.posterior.SavedFit.decode(npz));
    }

    /** At most this many observed elements get a row in the predictive check's table and a point in its plot. */
    static final int MAX_CHECKED = 200;

    /**
     * A posterior predictive check: per observed scalar element, the observed value against its replicates
     * (mean, sd, 5% and 95% quantiles) and the share of replicates at least as large as the observation (a
     * posterior predictive p-value; near 0 or 1 means the model does not reproduce that observation). Returns the
     * table; writes {@code predictive.png} into {@code plotDir} when it is not null.
     */
    public static String predictiveCheck(org.ppl4j.vi.posterior.FittedPosterior fitted,
            org.ppl4j.vi.posterior.Draws replicated, Path plotDir) throws IOException {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "observed", "mean", "sd", "5%", "95%", "P(rep >= obs)"});
        List<String> labels = new ArrayList<>();
        List<double[]> stats = new ArrayList<>();
        int more = 0;
        for (Map.Entry<org.ppl4j.runtime.value.Address, Tensor> e : replicated.byAddress().entrySet()) {
            Tensor rep = e.getValue();
            Object v;
            try {
                v = AD.value(fitted.observations().lookup(e.getKey())); // a list under y fills y[0], y[1], ...
            } catch (IllegalArgumentException notThere) {
                v = null;
            }
            if (v instanceof org.ppl4j.runtime.value.PplList list) {
                // a list observed at a tensor-valued site (obs ~ normal(m, s) with choices { obs: [28, 8, ...] })
                try {
                    v = AD.value(Args.fromList("predict", e.getKey().toString(), list));
                } catch (IllegalArgumentException notNumbers) {
                    v = null;
                }
            }
            if (v == null || !AD.isNumeric(v)) {
                continue;
            }
            double[] obs = AD.tensorValue(v).toArray();
            int n = rep.shape()[0];
            int per = rep.size() / n;
            if (per != obs.length) {
                continue;
            }
            double[] all = rep.toArray();
            for (int j = 0; j < per; j++) {
                if (labels.size() >= MAX_CHECKED) {
                    more++;
                    continue;
                }
                double[] xs = new double[n];
                int above = 0;
                for (int i = 0; i < n; i++) {
                    xs[i] = all[i * per + j];
                    above += xs[i] >= obs[j] ? 1 : 0;
                }
                Summary s = Summary.of(xs);
                String label = e.getKey() + (per == 1 ? "" : "[" + j + "]");
                labels.add(label);
                stats.add(new double[] {obs[j], s.mean(), s.q05(), s.q95()});
                rows.add(new String[] {label, number(obs[j]), number(s.mean()), number(s.sd()), number(s.q05()),
                    number(s.q95()), String.format(Locale.ROOT, "%.2f", above / (double) n)});
            }
        }
        StringBuilder sb = new StringBuilder("posterior predictive check: " + replicated.count() + " replicates\n");
        if (labels.isEmpty()) {
            return sb.append("(the fit has no observed numbers to check)\n").toString();
        }
        table(sb, rows);
        if (more > 0) {
            sb.append("(").append(more).append(" more observed elements not shown)\n");
        }
        if (plotDir != null) {
            double[][] cols = new double[4][labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                for (int c = 0; c < 4; c++) {
                    cols[c][i] = stats.get(i)[c];
                }
            }
            Files.createDirectories(plotDir);
            Files.write(plotDir.resolve("predictive.png"), Plots.predictive(labels.toArray(new String[0]), cols[0],
                    cols[1], cols[2], cols[3], replicated.count()));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- plots

    /**
     * The plots of a fit result as PNG files, by file name: {@code objective.png} (the objective per step
     * and its running mean) and one histogram {@code posterior-ADDRESS.png} per latent (at most
     * {@link Plots#MAX_LATENT_PLOTS}).
     */
    static Map<String, byte[]> plots(PplRecord fit) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        FitDetails d = FitDetails.of(fit);
        double[] history = new double[0];
        if (fit.get("objective") instanceof PplRecord o && AD.value(o.get("history")) instanceof Tensor t) {
            history = t.toArray();
        }
        String objective = d == null ? "objective" : d.objective();
        files.put("objective.png", Plots.objective(objective, history));
        if (d != null) {
            int n = 0;
            for (Map.Entry<String, double[]> e : d.draws().entrySet()) {
                if (n++ >= Plots.MAX_LATENT_PLOTS) {
                    break;
                }
                String name = "posterior-" + Plots.fileSafe(e.getKey());
                String file = name + ".png";
                for (int k = 2; files.containsKey(file); k++) {
                    file = name + "-" + k + ".png";
                }
                files.put(file, Plots.histogram(e.getKey(), e.getValue()));
            }
        }
        return files;
    }

    /** Writes the plots of a fit result into {@code dir} (created if need be); returns the files written. */
    public static List<Path> writePlots(Object fit, Path dir) throws IOException {
        PplRecord r = fitResult("plot", fit);
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : plots(r).entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.write(p, e.getValue());
            written.add(p);
        }
        return written;
    }
}
