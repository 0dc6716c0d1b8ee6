package org.ppl4j.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ppl4j.embed.Ppl;

/**
 * The discrete benchmark: the 500-point mixture of {@code examples/gmm} under each strategy for its local choices,
 * milliseconds per ELBO step ({@code bench/gmm_steps.ppl}; {@code bench/gmm_strategies.ppl} adds the gradient
 * variances and final ELBOs).
 */
final class GmmBench {
    static final Path PROGRAM = Path.of("bench/gmm_steps.ppl");

    record Strategy(String label, String strategy, boolean raoBlackwellise) {
    }

    static final List<Strategy> STRATEGIES = List.of(
            new Strategy("reinforce, no Rao-Blackwellisation", "reinforce(baseline: none)", false),
            new Strategy("reinforce + RB", "reinforce(baseline: none)", true),
            new Strategy("reinforce + RB + running-mean baseline", "reinforce(baseline: running_mean)", true),
            new Strategy("enum", "enum", true),
            new Strategy("mvd", "mvd", true));

    private GmmBench() {
    }

    /** The label of the rows timed on the JVM {@code ppl run} hands a long fit to. */
    static final String LONG_FIT = "long fits: C2";

    /**
     * @param jvm empty for the launcher's JVM (C1), where every fit starts and a short one ends; {@link #LONG_FIT}
     *            for the JVM with C2 that a fit projected to run long is handed to (docs/performance.md)
     */
    static void run(boolean quick, String jvm) throws Exception {
        String source = Files.readString(PROGRAM);
        boolean c2 = !jvm.isEmpty();
        for (Strategy st : STRATEGIES) {
            String label = "GMM, 500 points, ms/step: " + st.label() + (c2 ? " (" + jvm + ")" : "");
            try {
                StepDifference.Program program = steps -> Ppl.compile(source, PROGRAM.toString(),
                        Programs.reading(OutputStream.nullOutputStream(), Path.of(""))
                                .withArgument("strategy", st.strategy())
                                .withArgument("rb", st.raoBlackwellise() ? "1" : "0")
                                .withArgument("steps", Integer.toString(steps)));
                int reps = quick ? 3 : 5;
                List<StepDifference.Seconds> samples = new ArrayList<>();
                // C2 compiles the runtime's code over the first few thousand steps: more warm-up runs there
                try (StepDifference d = StepDifference.open(program, 10, quick ? 1.0 : 3.0, 20, 10, c2 ? 4 : 2)) {
                    for (int r = 0; r < reps; r++) {
                        samples.add(d.secondsPerStep());
                    }
                    Stats[] s = StepDifference.stats(samples, 1000);
                    BenchMain.emit(Row.measured(label, s[0], "ms", "%.2f", String.format(Locale.ROOT,
                            "%d vs %d steps; main-thread CPU %.2f ms", d.large(), d.small(), s[1].median())));
                }
            } catch (Exception e) {
                BenchMain.emit(Row.text(label, "failed", BenchMain.firstLine(e)));
            }
        }
    }
}
