package org.ppl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.graalvm.polyglot.Context;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.stdlib.builtins.FitReport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppl4j.vi.Checkpoint;
import org.ppl4j.vi.posterior.AtomicFile;
import org.ppl4j.vi.posterior.Draws;
import org.ppl4j.vi.posterior.DrawsCsv;
import org.ppl4j.vi.posterior.FittedPosterior;

/** What {@code ppl run} does around the program: progress, {@code --summary}, {@code --plot}, {@code --resume}. */
final class Reports {
    private Reports() {
    }

    /**
     * Whether standard error is a terminal: the launcher says so in PPL_STDERR_TTY (it can ask the shell);
     * without it, whether the JVM has a console (standard input and output are terminals).
     */
    static boolean stderrIsTerminal() {
        String tty = System.getenv("PPL_STDERR_TTY");
        if (tty != null && !tty.isEmpty()) {
            return tty.equals("1");
        }
        return System.console() != null;
    }

    /** The terminal's width: PPL_COLUMNS (the launcher's), COLUMNS, else 80. */
    static int columns() {
        for (String v : new String[] {System.getenv("PPL_COLUMNS"), System.getenv("COLUMNS")}) {
            try {
                if (v != null && Integer.parseInt(v.trim()) >= 20) {
                    return Integer.parseInt(v.trim());
                }
            } catch (NumberFormatException ignored) {
                // not a width
            }
        }
        return 80;
    }

    /**
     * Refuses {@code --resume DIR} before running when DIR holds no checkpoints, or only checkpoints of other
     * programs: returns the exit code after saying why, or null to go on.
     */
    static Integer checkResume(Path dir, String display, String text, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("ppl: --resume " + dir + ": no such directory");
            return Main.NO_INPUT;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Checkpoint.isCheckpointName(p.getFileName().toString())).sorted().forEach(files::add);
        } catch (IOException e) {
            err.println("ppl: --resume " + dir + ": " + Main.describe(e));
            return Main.NO_INPUT;
        }
        if (files.isEmpty()) {
            err.println("ppl: --resume " + dir + ": no checkpoints there (files fitK-stepS.ckpt, written by "
                    + "fit(..., checkpoint: \"" + dir + "\"))");
            return Main.NO_INPUT;
        }
        String hash = Checkpoint.sha256(text);
        Checkpoint other = null;
        for (Path p : files) {
            try {
                Checkpoint c = Checkpoint.decode(Files.readAllBytes(p));
                if (c.identity().programHash().equals(hash)) {
                    return null;
                }
                other = c;
            } catch (IOException | IllegalArgumentException e) {
                // incomplete or unreadable: the fit skips it too
            }
        }
        if (other == null) {
            err.println("ppl: --resume " + dir + ": none of its checkpoints can be read");
            return Main.NO_INPUT;
        }
        err.println("ppl: cannot resume " + display + " from " + dir + ": its checkpoints were written by another "
                + "program (" + other.identity().program() + ", SHA-256 " + other.identity().programHash().substring(0,
                        Math.min(12, other.identity().programHash().length())) + "...), not by this one; run it "
                + "without --resume to start afresh");
        return Main.USAGE;
    }

    /**
     * After a runtime error: {@code --json}, {@code --summary} and {@code --plot} on the last fit the program
     * ran, if any (silently nothing otherwise). A fit that diverged left its last good step there.
     */
    static void afterError(Context context, boolean summary, Path plot, boolean json, PrintStream out,
            PrintStream err) {
        boolean any;
        try {
            context.enter();
            try {
                PplContext ppl = PplContext.get(null);
                any = ppl.lastFit() != null;
                if (any && json) {
                    out.println(org.ppl4j.runtime.value.Json.write(ppl.lastFit()));
                }
            } finally {
                context.leave();
            }
            if (any && (summary || plot != null)) {
                afterRun(context, summary, plot, json ? err : out, err);
            }
        } catch (IllegalStateException | org.graalvm.polyglot.PolyglotException closed) {
            // the context did not survive the error: nothing to report
        }
    }

    /** Guide draws written by {@code --draws FILE}. */
    static final int CSV_DRAWS = 1000;

    /**
     * {@code --draws FILE} (guide draws in CmdStan's CSV layout, written atomically: a temporary file in the same
     * directory renamed over FILE) and {@code --predict N} (a posterior predictive check, with {@code --plot DIR}
     * its plot) on the last fit of the program that just ran.
     */
    static int posterior(Context context, Path drawsFile, Integer predict, Path plot, PrintStream out, PrintStream err) {
        context.enter();
        try {
            PplContext ppl = PplContext.get(null);
            String option = drawsFile != null ? "--draws" : "--predict";
            if (ppl.lastFit() == null) {
                err.println("ppl: " + option + ": the program ran no fit");
                return 0;
            }
            FittedPosterior fitted = FitReport.fitted(ppl.lastFit());
            if (fitted == null) {
                err.println("ppl: " + option + ": the last fit has no guide to draw from (its objective must be called "
                        + "with a model and a guide, as elbo(p, q, obs) is)");
                return Main.RUNTIME_ERROR;
            }
            try {
                if (drawsFile != null) {
                    Draws d = fitted.drawsWithDensities(ppl, CSV_DRAWS, ppl.rng());
                    Map<String, String> header = new LinkedHashMap<>();
                    header.put("model", fitted.model() == null ? "" : fitted.model().name());
                    header.put("guide", fitted.guide().name());
                    header.put("method", "variational");
                    fitted.settings().forEach((k, v) -> header.put("  " + k, v));
                    header.put("  output_draws", Integer.toString(d.count()));
                    AtomicFile.write(drawsFile, o -> {
                        java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o,
                                java.nio.charset.StandardCharsets.UTF_8));
                        DrawsCsv.write(w, header, d);
                    });
                    err.println("ppl: wrote " + d.count() + " draws to " + drawsFile);
                }
                if (predict != null) {
                    if (predict < 1) {
                        err.println("ppl: --predict wants a positive number of draws, got " + predict);
                        return Main.USAGE;
                    }
                    out.print(FitReport.predictiveCheck(fitted, fitted.predict(ppl, predict, ppl.rng()), plot));
                    out.flush();
                }
            } catch (IOException e) {
                err.println("ppl: " + option + ": " + Main.describe(e));
                return Main.RUNTIME_ERROR;
            } catch (RuntimeException e) {
                err.println("ppl: " + option + ": " + e.getMessage());
                return Main.RUNTIME_ERROR;
            }
            return 0;
        } finally {
            context.leave();
        }
    }

    /** {@code --summary} and {@code --plot DIR} on the last fit of the program that just ran. */
    static int afterRun(Context context, boolean summary, Path plot, PrintStream out, PrintStream err) {
        context.enter();
        try {
            PplContext ppl = PplContext.get(null);
            Object fit = ppl.lastFit();
            if (fit == null) {
                err.println("ppl: " + (summary ? "--summary" : "--plot") + ": the program ran no fit");
                return 0;
            }
            if (summary) {
                out.print(FitReport.summary(fit, ppl));
                out.flush();
            }
            if (plot != null) {
                try {
                    List<Path> written = FitReport.writePlots(fit, plot);
                    err.println("ppl: wrote " + written.size() + (written.size() == 1 ? " plot" : " plots") + " to "
                            + plot);
                } catch (IOException e) {
                    err.println("ppl: --plot " + plot + ": " + Main.describe(e));
                    return Main.RUNTIME_ERROR;
                }
            }
            return 0;
        } finally {
            context.leave();
        }
    }
}
