package org.ppl4j.examples.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every input that once broke the robustness property, kept in {@code src/test/resources/fuzz-corpus/} and run
 * on every build. A file named {@code check-*} goes through {@code ppl check}, {@code run-*} through
 * {@code ppl run} (step counts rewritten as in {@link Ppl#cheap}), anything else through both. Large generated
 * inputs (deep nesting, long names) are stored gzipped ({@code .ppl.gz}); {@code zcat} shows them.
 */
class FuzzCorpusTest {
    private static final String SUITE = "corpus";

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Seeds.CORPUS)) {
            files = s.filter(p -> p.toString().endsWith(".ppl") || p.toString().endsWith(".ppl.gz")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no regression inputs under " + Seeds.CORPUS.toAbsolutePath());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!name.startsWith("run-")) {
                tests.add(DynamicTest.dynamicTest("check " + name, () -> verdict(Ppl.execute(Ppl.Mode.CHECK, read(f)))));
            }
            if (!name.startsWith("check-")) {
                tests.add(DynamicTest.dynamicTest("run " + name, () -> verdict(Ppl.execute(Ppl.Mode.RUN, cheap(read(f))))));
            }
        }
        return tests.stream();
    }

    private static byte[] cheap(byte[] input) {
        return Ppl.isUtf8(input) ? Ppl.cheap(new String(input, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                : input;
    }

    static byte[] read(Path f) throws IOException {
        if (!f.toString().endsWith(".gz")) {
            return Files.readAllBytes(f);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            return in.readAllBytes();
        }
    }

    private static void verdict(Ppl.Result r) {
        Outcomes.verdict(SUITE, r, null);
    }

    @AfterAll
    static void report() {
        Outcomes.write();
    }
}
