package org.ppl4j.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ppl4j.embed.Ppl;

/**
 * Tensor choices with independent elements against the forms they replace (docs/estimators.md, "Independent
 * elements"), ms per step of {@code bench/independence_steps.ppl}: per-element REINFORCE on a [64, 200] bernoulli
 * against the same choice scored whole (the target: at most 1.5x), and batched enum of the GMM as one [500] choice
 * against 500 scalar choices (the target: at least 3x faster). The two forms of a pair are measured in turns in
 * this one JVM, so that a loaded machine slows both alike; the ratio row is the median of the turns' ratios.
 */
final class IndependenceBench {
    static final Path PROGRAM = Path.of("bench/independence_steps.ppl");

    record Pair(String label, String form, String reference, String ratioLabel) {
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("SBN [64, 200] REINFORCE + running mean, ms/step: ", "sbn_elements", "sbn_whole",
                    "per element / whole tensor (target <= 1.5)"),
            new Pair("GMM, 500 points, enum, ms/step: ", "gmm_tensor", "gmm_scalar",
                    "500 scalar choices / one [500] choice (target >= 3)"));

    private IndependenceBench() {
    }

    static void run(boolean quick, Path data) throws Exception {
        String source = Files.readString(PROGRAM);
        for (Pair pair : PAIRS) {
            if (pair.form().startsWith("sbn") && data == null) {
                BenchMain.emit(Row.text(pair.label() + pair.ratioLabel(), "not available", "no Fashion-MNIST"));
                continue;
            }
            try (StepDifference a = open(source, pair.form(), quick, data);
                    StepDifference b = open(source, pair.reference(), quick, data)) {
                int reps = quick ? 3 : 5;
                List<StepDifference.Seconds> sa = new ArrayList<>();
                List<StepDifference.Seconds> sb = new ArrayList<>();
                double[] ratios = new double[reps];
                for (int r = 0; r < reps; r++) {
                    StepDifference.Seconds x = a.secondsPerStep();
                    StepDifference.Seconds y = b.secondsPerStep();
                    sa.add(x);
                    sb.add(y);
                    ratios[r] = pair.form().startsWith("gmm") ? y.cpu() / x.cpu() : x.cpu() / y.cpu();
                }
                emit(pair.label() + pair.form(), a, sa);
                emit(pair.label() + pair.reference(), b, sb);
                BenchMain.emit(Row.measured(pair.label().replace(", ms/step: ", ": ") + pair.ratioLabel(),
                        Stats.of(ratios), "x", "%.2f", "ratio of main-thread CPU per step, turn by turn"));
            } catch (Exception e) {
                BenchMain.emit(Row.text(pair.label() + pair.form(), "failed", BenchMain.firstLine(e)));
            }
        }
    }

    private static StepDifference open(String source, String form, boolean quick, Path data) throws Exception {
        StepDifference.Program program = steps -> Ppl.compile(source, PROGRAM.toString(),
                Programs.reading(OutputStream.nullOutputStream(), data == null ? new Path[] {Path.of("")}
                        : new Path[] {Path.of(""), data})
                        .withArgument("form", form)
                        .withArgument("steps", Integer.toString(steps))
                        .withArgument("data", data == null ? "examples/vae/data" : data.toString()));
        return StepDifference.open(program, 10, quick ? 1.0 : 3.0, 20, 10, 2);
    }

    private static void emit(String label, StepDifference d, List<StepDifference.Seconds> samples) {
        Stats[] s = StepDifference.stats(samples, 1000);
        BenchMain.emit(Row.measured(label, s[0], "ms", "%.2f", String.format(Locale.ROOT,
                "%d vs %d steps; main-thread CPU %.2f ms", d.large(), d.small(), s[1].median())));
    }
}
