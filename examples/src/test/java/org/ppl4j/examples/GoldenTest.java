package org.ppl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ppl4j.cli.Main;

/**
 * Runs every {@code examples/**.ppl} that has a {@code .expected} file beside it, through the same entry point
 * as {@code ./ppl}, and compares what the user would see.
 *
 * <p>Expected files: optional header lines {@code # command: ...} (the subcommand and its options, default
 * {@code run}), {@code # args: ...} (extra command-line arguments after the file) and {@code # exit: N}
 * (default 0); then the expected standard output, or for a non-zero exit the expected
 * standard error. A token {@code X±T} matches any number within T of X ({@code X±T%}: within T percent of X);
 * everything else must match exactly. The tolerances are the acceptance bounds of each example, stated
 * next to the exact answer in the example's comments.
 */
class GoldenTest {
    static final Path EXAMPLES = Path.of(System.getProperty("ppl.examples", "."));
    private static final Pattern TOLERANCE = Pattern.compile("(-?[0-9.]+(?:e-?[0-9]+)?)±([0-9.]+(?:e-?[0-9]+)?)(%?)");
    private static final Pattern NUMBER = Pattern.compile("-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e-?[0-9]+)?|-?inf|nan");

    @TestFactory
    Stream<DynamicTest> examples() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(EXAMPLES)) {
            files = s.filter(p -> p.toString().endsWith(".ppl"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/src/"))
                    .filter(p -> Files.exists(expectedFile(p))).sorted().toList();
        }
        if (files.size() < 13) {
            fail("expected the example and error programs under " + EXAMPLES.toAbsolutePath() + ", found " + files.size());
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(EXAMPLES.relativize(p).toString(), () -> check(p)));
    }

    static Path expectedFile(Path ppl) {
        String name = ppl.getFileName().toString();
        return ppl.resolveSibling(name.substring(0, name.length() - 4) + ".expected");
    }

    private void check(Path ppl) throws IOException {
        List<String> expected = new ArrayList<>(Files.readAllLines(expectedFile(ppl)));
        List<String> command = new ArrayList<>(List.of("run"));
        List<String> args = new ArrayList<>();
        int exit = 0;
        while (!expected.isEmpty() && expected.get(0).startsWith("# ")) {
            String h = expected.remove(0);
            if (h.startsWith("# command:")) {
                command = new ArrayList<>(List.of(h.substring(10).trim().split("\\s+")));
            } else if (h.startsWith("# args:")) {
                args.addAll(List.of(h.substring(7).trim().split("\\s+")));
            } else if (h.startsWith("# exit:")) {
                exit = Integer.parseInt(h.substring(7).trim());
            }
        }
        command.add(displayPrefix() + EXAMPLES.relativize(ppl));
        command.addAll(args);
        args = command;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String cwd = System.getProperty("user.dir");
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args.toArray(new String[0]), o, e);
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(exit, code, () -> "exit code of " + ppl + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr + cwd);
        String actual = exit == 0 ? stdout : stderr;
        List<String> lines = actual.lines().toList();
        assertEquals(expected.size(), lines.size(), () -> "line count of " + ppl + "; got:\n" + actual);
        for (int i = 0; i < lines.size(); i++) {
            matchLine(ppl, i + 1, expected.get(i), lines.get(i));
        }
    }

    /** Paths are shown as the user typed them, relative to the examples folder's parent. */
    private static String displayPrefix() {
        return "examples/";
    }

    static void matchLine(Path file, int line, String expected, String actual) {
        Matcher m = TOLERANCE.matcher(expected);
        StringBuilder pattern = new StringBuilder();
        List<double[]> bounds = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            pattern.append(Pattern.quote(expected.substring(last, m.start()))).append("(").append(NUMBER.pattern())
                    .append(")");
            double x = Double.parseDouble(m.group(1));
            double t = Double.parseDouble(m.group(2));
            bounds.add(new double[] {x, m.group(3).isEmpty() ? t : Math.abs(x) * t / 100});
            last = m.end();
        }
        pattern.append(Pattern.quote(expected.substring(last)));
        Matcher a = Pattern.compile(pattern.toString()).matcher(actual);
        if (!a.matches()) {
            fail(file + " line " + line + ":\n  expected: " + expected + "\n  actual:   " + actual);
        }
        for (int i = 0; i < bounds.size(); i++) {
            double v = Double.parseDouble(a.group(i + 1));
            double[] b = bounds.get(i);
            if (!(Math.abs(v - b[0]) <= b[1])) {
                fail(file + " line " + line + ": " + v + " is not within " + b[1] + " of " + b[0] + "\n  actual: "
                        + actual);
            }
        }
    }
}
