package org.ppl4j.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Cold start: the wall-clock time of {@code ./ppl run examples/coin.ppl} as a user sees it, a fresh JVM each time
 * (its fit of 3000 steps and 4000 summary draws included). One untimed run first, which builds the project if
 * its sources changed, and then the launcher's runtime image and class-data archive if they are missing or stale.
 */
final class ColdStart {
    private ColdStart() {
    }

    static Row measure(Path root, int runs) throws Exception {
        String label = "cold start: ./ppl run examples/coin.ppl";
        System.err.println("ppl bench: cold start...");
        List<String> cmd = List.of("bash", root.resolve("ppl").toString(), "run", "examples/coin.ppl");
        double[] seconds = new double[runs];
        for (int r = -1; r < runs; r++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
            long start = System.nanoTime();
            int exit = pb.start().waitFor();
            double t = (System.nanoTime() - start) / 1e9;
            if (exit != 0) {
                return Row.text(label, "failed", "exit status " + exit);
            }
            if (r >= 0) {
                seconds[r] = t;
            }
        }
        return Row.measured(label, Stats.of(seconds), "s", "%.2f", "fresh JVM each run; includes the fit");
    }
}
