package org.ppl4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/** The harness's parts, without timing anything: statistics, rows, options, and the programs it runs. */
class HarnessTest {
    /** ppl4j's VAE step over the peers' (both in ms): 7.13 against 7.95 is 0.90, not 897 (units once mixed). */
    @Test
    void peerRatiosAreOfMillisecondsToMilliseconds() {
        assertEquals(java.util.List.of("0.90", "1.08"), VaeBench.ratios(7.13, java.util.List.of(7.95, "failed", 6.60)));
        assertEquals(java.util.List.of(), VaeBench.ratios(7.13, java.util.List.of("not set up")));
    }

    @Test
    void medianAndQuartilesInterpolate() {
        Stats s = Stats.of(new double[] {5, 1, 4, 2, 3});
        assertEquals(3, s.median());
        assertEquals(2, s.q1());
        assertEquals(4, s.q3());
        assertEquals(5, s.runs());
        Stats even = Stats.of(new double[] {1, 2, 3, 4});
        assertEquals(2.5, even.median());
        assertEquals(1.75, even.q1(), 1e-12);
        assertEquals(3.25, even.q3(), 1e-12);
        Stats rates = Stats.rates(new double[] {0.5, 0.25, 1.0}, 1);
        assertEquals(2, rates.median());
        assertEquals(1.5, rates.q1(), 1e-12);
        assertEquals(3, rates.q3(), 1e-12);
        assertEquals(2000, s.times(1000).q1());
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[0]));
    }

    @Test
    void rowsSurviveTheTripFromAWorker() {
        Row r = Row.measured("GMM | enum", Stats.of(new double[] {1.5, 2.5, 3.5}), "ms", "%.2f", "a\tb");
        Row back = Row.parse(r.serialise());
        assertEquals("2.50 ms", back.median());
        assertEquals("2.00–3.00", back.iqr());
        assertEquals("| GMM \\| enum | 2.50 ms | 2.00–3.00 | 3 | a b |", back.markdown());
    }

    @Test
    void optionsAreCheckedAndPassedToWorkers() {
        BenchMain.Options o = BenchMain.Options.parse(new String[] {"--quick", "--only", "gmm,start"});
        assertTrue(o.quick);
        assertEquals(Set.of("gmm", "start"), o.only);
        assertTrue(Files.isRegularFile(o.root.resolve("examples/coin.ppl")), "the root is found from here: " + o.root);
        assertEquals(List.of("--worker", "schools", "--root", o.root.toString(), "--quick", "--label", "x"),
                o.forWorker("schools", "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchMain.Options.parse(new String[] {"--only", "vae,speed"}));
        assertTrue(e.getMessage().contains("unknown section 'speed'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--steps"}));
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--data"}));
    }

    @Test
    void processMemoryIsRead() {
        assertEquals(123456, ProcessInfo.parseKiB("  123456 kB"));
        long rss = ProcessInfo.rss();
        long peak = ProcessInfo.peakRss();
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(rss > 1 << 20 && peak >= rss, "VmRSS " + rss + ", VmHWM " + peak);
        }
    }

    /** The child JVMs and the launcher start Java alike: every flag ChildJvm adds is in the ppl script. */
    @Test
    void childJvmFlagsAreTheLaunchers() throws Exception {
        String launcher = Files.readString(Path.of("ppl"));
        for (String flag : ChildJvm.launcherFlags(Path.of(""))) {
            String name = flag.startsWith("--upgrade-module-path=") ? "--upgrade-module-path=" : flag;
            assertTrue(launcher.contains(name), "the launcher has no " + name);
        }
    }

    /** The harness rewrites the example's fit; the rewrite must still find its three settings and run. */
    @Test
    void eightSchoolsRunsWithTheStepsGiven() throws Exception {
        String source = SchoolsBench.timedSource(Files.readString(SchoolsBench.EXAMPLE));
        assertTrue(source.contains("steps: arg(\"steps\", 1000)") && source.contains("particles: 1"), source);
        try (PplProgram p = Ppl.compile(source, "eight_schools.ppl", PplOptions.defaults()
                .withOutput(new ByteArrayOutputStream()).withArgument("steps", "7"))) {
            FitResult fit = p.run().lastFit();
            assertEquals(7, fit.history().length);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchoolsBench.timedSource("let q = fit(m, steps: 3)"));
        assertTrue(e.getMessage().contains("particles"), e.getMessage());
    }

    /** bench/gmm_steps.ppl takes its strategy, Rao-Blackwellisation and step count from its arguments. */
    @Test
    void gmmStepsTakesItsArguments() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PplProgram p = Ppl.compile(GmmBench.PROGRAM, Programs.reading(out, Path.of(""))
                .withArgument("strategy", "reinforce(baseline: none)").withArgument("rb", "0")
                .withArgument("steps", "3"))) {
            assertEquals(3, p.run().lastFit().history().length);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("reinforce(baseline: none) | rao_blackwellize false | 3 steps"), printed);
    }
}
