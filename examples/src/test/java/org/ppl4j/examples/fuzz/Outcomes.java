package org.ppl4j.examples.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Counts what every fuzz input did, per suite (successes, user errors, crashes, hangs), and keeps every input
 * that broke the property: {@code examples/target/fuzz-failures/<mode>-<hash>.ppl}, with the output beside it
 * ({@code .txt}) and a reduced input ({@code .min.ppl}). Copy those into {@code src/test/resources/fuzz-corpus/}
 * so that {@link FuzzCorpusTest} keeps checking them. The tally is written to
 * {@code examples/target/fuzz-report/outcomes.md} for docs/reliability.md.
 */
final class Outcomes {
    private Outcomes() {
    }

    private static final class Tally {
        final Map<Ppl.Category, Integer> counts = new EnumMap<>(Ppl.Category.class);
        long millis;
        String seed = "";
    }

    private static final Map<String, Tally> SUITES = new LinkedHashMap<>();
    private static final List<String> FAILURES = new ArrayList<>();
    private static final Map<String, Integer> KNOWN = new java.util.TreeMap<>();
    private static final Map<String, String> KNOWN_EXAMPLES = new LinkedHashMap<>();

    /** Whether a crash fails the test at once (default) or is only counted and saved: -Dppl.fuzz.keepgoing=true. */
    static final boolean KEEP_GOING = Boolean.getBoolean("ppl.fuzz.keepgoing");

    static boolean slow() {
        return Boolean.parseBoolean(System.getProperty("ppl.slow", "false"));
    }

    static synchronized void seed(String suite, String seed) {
        SUITES.computeIfAbsent(suite, k -> new Tally()).seed = seed;
    }

    static synchronized void record(String suite, Ppl.Result r) {
        Tally t = SUITES.computeIfAbsent(suite, k -> new Tally());
        t.counts.merge(r.category(), 1, Integer::sum);
        t.millis += r.millis();
    }

    /**
     * Records the result; if it breaks the property, saves and reduces the input and returns a description of
     * the failure (null when the property holds).
     */
    static String judge(String suite, Ppl.Result r) {
        record(suite, r);
        String why = r.violation();
        if (why == null) {
            return null;
        }
        String name = save(r);
        KnownIssues.Issue known = KnownIssues.match(r);
        synchronized (Outcomes.class) {
            if (known == null) {
                FAILURES.add(suite + ": " + why + " -> " + name);
            } else if (KNOWN.merge(known.id(), 1, Integer::sum) == 1) {
                KNOWN_EXAMPLES.put(known.id(), name);
            }
        }
        return "[" + suite + "] " + why + "\ninput saved as " + name + "\n" + r.describe();
    }

    /**
     * Fails the test for a broken property. A known issue outside the front end ({@link KnownIssues}) is counted
     * but does not fail: a JUnit test ({@code context == null}) is skipped with the issue's description, a jqwik
     * try passes. Nothing happens when the property holds.
     */
    static void verdict(String suite, Ppl.Result r, String context) {
        String failure = judge(suite, r);
        if (failure == null || KEEP_GOING) {
            return;
        }
        KnownIssues.Issue known = KnownIssues.match(r);
        if (known != null) {
            if (context != null) {
                return; // a jqwik try: an aborted try counts as discarded, and too many discards fail the property
            }
            org.junit.jupiter.api.Assumptions.abort("known issue " + known.id() + ": " + known.description());
        }
        org.junit.jupiter.api.Assertions.fail(failure + (context == null ? "" : "\n" + context));
    }

    /** Saves a failing input, its output and (for crashes, not hangs) a reduced input. Returns the file name. */
    static String save(Ppl.Result r) {
        try {
            Files.createDirectories(Seeds.FAILURES);
            String mode = r.mode().name().toLowerCase();
            String name = mode + "-" + hash(r.input());
            Path file = Seeds.FAILURES.resolve(name + ".ppl");
            if (Files.exists(file)) {
                return file.toString();
            }
            Files.write(file, r.input());
            Files.writeString(Seeds.FAILURES.resolve(name + ".txt"), r.violation() + "\n" + r.describe(),
                    StandardCharsets.UTF_8);
            if (!r.timedOut() && Ppl.isUtf8(r.input()) && r.input().length <= 20_000) {
                String why = kind(r);
                Predicate<String> same = s -> {
                    Ppl.Result x = Ppl.execute(r.mode(), s);
                    return x.violation() != null && kind(x).equals(why);
                };
                String min = Reducer.reduce(r.text(), same, r.mode() == Ppl.Mode.CHECK ? 2000 : 150);
                Files.writeString(Seeds.FAILURES.resolve(name + ".min.ppl"), min, StandardCharsets.UTF_8);
                Ppl.Result m = Ppl.execute(r.mode(), min);
                Files.writeString(Seeds.FAILURES.resolve(name + ".min.txt"), m.violation() + "\n" + m.describe(),
                        StandardCharsets.UTF_8);
            }
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sort of failure, so that reduction keeps the same bug: exit code and the first line of stderr. */
    private static String kind(Ppl.Result r) {
        if (r.thrown() != null) {
            return "thrown " + r.thrown().getClass().getName();
        }
        String first = r.stderr().lines().findFirst().orElse("");
        first = first.replaceAll("^.*?(internal error|error): ", "$1: ").replaceAll("'[^']*'", "'_'")
                .replaceAll("[0-9]+", "N");
        return r.exit() + " " + first;
    }

    static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized void write() {
        StringBuilder sb = new StringBuilder();
        sb.append("| suite | seed | inputs | ok (exit 0) | user errors (exit 1, 2) | known issues | crashes | hangs"
                + " | time (s) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<Ppl.Category, Integer> total = new EnumMap<>(Ppl.Category.class);
        long millis = 0;
        for (Map.Entry<String, Tally> e : SUITES.entrySet()) {
            Tally t = e.getValue();
            int n = t.counts.values().stream().mapToInt(Integer::intValue).sum();
            if (n == 0) {
                continue;
            }
            sb.append(row(e.getKey(), t.seed, n, t.counts, t.millis));
            t.counts.forEach((k, v) -> total.merge(k, v, Integer::sum));
            millis += t.millis;
        }
        sb.append(row("**total**", "", total.values().stream().mapToInt(Integer::intValue).sum(), total, millis));
        sb.append("\nslow: ").append(slow()).append("\n");
        if (!FAILURES.isEmpty()) {
            sb.append("\nFailures:\n");
            FAILURES.forEach(f -> sb.append("- ").append(f).append('\n'));
        }
        if (!KNOWN.isEmpty()) {
            sb.append("\nKnown issues seen (KnownIssues):\n");
            KNOWN.forEach((id, n) -> sb.append("- ").append(id).append(": ").append(n).append(" inputs, e.g. ")
                    .append(KNOWN_EXAMPLES.get(id)).append('\n'));
        }
        try {
            Files.createDirectories(Seeds.REPORTS);
            Files.writeString(Seeds.REPORTS.resolve("outcomes.md"), sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String row(String suite, String seed, int n, Map<Ppl.Category, Integer> c, long millis) {
        return "| " + suite + " | " + seed + " | " + n + " | " + c.getOrDefault(Ppl.Category.OK, 0) + " | "
                + c.getOrDefault(Ppl.Category.USER_ERROR, 0) + " | " + c.getOrDefault(Ppl.Category.KNOWN, 0) + " | "
                + c.getOrDefault(Ppl.Category.CRASH, 0) + " | "
                + c.getOrDefault(Ppl.Category.HANG, 0) + " | " + String.format("%.1f", millis / 1000.0) + " |\n";
    }
}
