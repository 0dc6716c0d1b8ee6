package org.ppl4j.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ppl4j.embed.Ppl;

/**
 * Eight schools ({@code examples/eight_schools.ppl}): ELBO steps per second with one particle. The program is
 * the example itself with its fit's {@code steps} read from a program argument and {@code particles} and
 * {@code samples} (the summary's guide draws) set to 1.
 */
final class SchoolsBench {
    static final Path EXAMPLE = Path.of("examples/eight_schools.ppl");

    private SchoolsBench() {
    }

    /** The example's source with its fit set up for timing; fails, naming the file, if the fit has changed shape. */
    static String timedSource(String example) {
        String s = replaceOnce(example, "steps:\\s*\\d+", "steps: arg(\"steps\", 1000)");
        s = replaceOnce(s, "particles:\\s*\\d+", "particles: 1");
        return replaceOnce(s, "samples:\\s*\\d+", "samples: 1");
    }

    private static String replaceOnce(String source, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(source);
        int count = 0;
        while (m.find()) {
            count++;
        }
        if (count != 1) {
            throw new IllegalStateException(EXAMPLE + ": expected one '" + regex + "' in its fit, found " + count
                    + "; update " + SchoolsBench.class.getName());
        }
        return m.replaceFirst(Matcher.quoteReplacement(replacement));
    }

    /** Measures and prints one row; {@code label} says which tensor threshold the JVM runs with. */
    static void run(boolean quick, String label) throws Exception {
        String source = timedSource(Files.readString(EXAMPLE));
        StepDifference.Program program = steps -> Ppl.compile(source, EXAMPLE.toString(), Programs.reading(
                OutputStream.nullOutputStream()).withArgument("steps", Integer.toString(steps)));
        int reps = quick ? 3 : 7;
        List<StepDifference.Seconds> samples = new ArrayList<>();
        try (StepDifference d = StepDifference.open(program, quick ? 300 : 1000, quick ? 1.5 : 4.0, 500, 100, 2)) {
            for (int r = 0; r < reps; r++) {
                samples.add(d.secondsPerStep());
            }
            Stats wall = Stats.rates(samples.stream().mapToDouble(StepDifference.Seconds::wall).toArray(), 1);
            Stats cpu = Stats.rates(samples.stream().mapToDouble(StepDifference.Seconds::cpu).toArray(), 1);
            BenchMain.emit(Row.measured("eight schools, ELBO steps/s, 1 particle (" + label + ")", wall, "steps/s",
                    "%,.0f", String.format(Locale.ROOT,
                            "%d vs %d steps; main-thread CPU %,.0f steps/s; ND4J loaded: %s", d.large(), d.small(),
                            cpu.median(), ProcessInfo.nd4jLoaded() ? "yes" : "no")));
        }
    }
}
