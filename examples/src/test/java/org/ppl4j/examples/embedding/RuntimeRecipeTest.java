package org.ppl4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.PplLanguage;

/**
 * The recipe of docs/embedding.md#speed: an embedder's JVM started with {@code @cli/target/ppl4j-jvm.options} runs
 * ppl4j on the optimising Truffle runtime, and one started without it says once that it does not (issue 15).
 */
class RuntimeRecipeTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    private static String[] probe(String... jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RuntimeProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the probe did not finish");
        assertEquals(0, p.exitValue(), err);
        return new String[] {out, err};
    }

    @Test
    void theOptionsFileGivesTheOptimisingRuntime() throws Exception {
        Path options = ROOT.resolve("cli/target/ppl4j-jvm.options");
        assertTrue(Files.isRegularFile(options), "the build writes " + options);
        String[] r = probe("@" + options);
        List<String> lines = r[0].lines().toList();
        assertEquals(List.of("42", "42"), lines.subList(0, 2), r[1]);
        assertFalse(lines.get(2).contains("Interpreted"), "still interpreted: " + lines.get(2) + "\n" + r[1]);
        assertFalse(r[1].contains(PplLanguage.INTERPRETED_NOTICE), r[1]);
    }

    @Test
    void anInterpretedJvmIsToldOnce() throws Exception {
        String[] r = probe();
        assertTrue(r[0].strip().endsWith("Interpreted"), r[0]);
        assertEquals(1, r[1].split(java.util.regex.Pattern.quote(PplLanguage.INTERPRETED_NOTICE), -1).length - 1,
                "the notice once, for two contexts: " + r[1]);
    }
}
