package org.ppl4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.ppl4j.embed.PplProgram;

/**
 * Seconds per optimisation step of a ppl program, measured as a difference: the same program compiled twice, to
 * take {@code small} and {@code large} steps, each warmed up by untimed runs; then each repetition times one run
 * of each and divides the difference in time by the difference in steps. Compilation, data loading and the
 * work around a fit cancel; what is left is the cost of a step on warm, compiled code.
 *
 * <p>Both wall-clock time and this thread's CPU time are measured: on a machine shared with other work the
 * CPU time says what a step costs, the wall-clock time what a user waits.
 */
final class StepDifference implements AutoCloseable {
    /** Compiles the program set to take {@code steps} steps. */
    interface Program {
        PplProgram compile(int steps) throws Exception;
    }

    private final PplProgram smallProgram;
    private final PplProgram largeProgram;
    private final int small;
    private final int large;

    private StepDifference(PplProgram smallProgram, int small, PplProgram largeProgram, int large) {
        this.smallProgram = smallProgram;
        this.small = small;
        this.largeProgram = largeProgram;
        this.large = large;
    }

    /**
     * Compiles and warms both programs. The large count is {@code small} plus as many steps as take about
     * {@code seconds} at the speed of the small program's last warm-up run (never fewer than {@code minExtra}),
     * rounded up to a multiple of {@code multiple}.
     */
    static StepDifference open(Program program, int small, double seconds, int minExtra, int multiple, int warmups)
            throws Exception {
        PplProgram smallProgram = program.compile(small);
        try {
            double perStep = Double.NaN;
            for (int i = 0; i < warmups; i++) {
                perStep = time(smallProgram) / small;
            }
            int extra = (int) Math.max(minExtra, Math.min(1e7, seconds / perStep));
            extra = (extra + multiple - 1) / multiple * multiple;
            int large = small + extra;
            PplProgram largeProgram = program.compile(large);
            try {
                for (int i = 0; i < warmups; i++) {
                    time(largeProgram);
                }
            } catch (Exception | Error e) {
                largeProgram.close();
                throw e;
            }
            return new StepDifference(smallProgram, small, largeProgram, large);
        } catch (Exception | Error e) {
            smallProgram.close();
            throw e;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall-clock and this thread's CPU seconds. */
    record Seconds(double wall, double cpu) {
        Seconds minus(Seconds o) {
            return new Seconds(wall - o.wall, cpu - o.cpu);
        }

        Seconds over(double n) {
            return new Seconds(wall / n, cpu / n);
        }
    }

    /** The wall-clock and CPU seconds {@code body} takes on this thread. */
    static Seconds measure(Runnable body) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        body.run();
        return new Seconds((System.nanoTime() - start) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
    }

    static double time(PplProgram p) {
        collectGarbage();
        return measure(p::run).wall();
    }

    /**
     * A full collection before each timed run, untimed. Every run of a program loads its data again (the VAE:
     * 60,000 images, 376 MB as doubles); left alone, the garbage of earlier runs grew the heap by 880 MiB a
     * repetition to 5 GiB, and the steps of later runs got slower with it (18 to 36 ms for the same step), which
     * a user's single run never sees. With the collection, the same repetitions were 17.5-21.4 ms.
     */
    static void collectGarbage() {
        System.gc();
        System.gc(); // a second pass frees what the first one's finalisation and cleaners released
    }

    /** One measurement: seconds per step. */
    Seconds secondsPerStep() {
        collectGarbage();
        Seconds t1 = measure(smallProgram::run);
        collectGarbage();
        Seconds t2 = measure(largeProgram::run);
        return t2.minus(t1).over(large - small);
    }

    /** Median wall-clock and CPU time of {@code samples}, in {@code unit}s per second (1000 for ms). */
    static Stats[] stats(java.util.List<Seconds> samples, double unit) {
        return new Stats[] {Stats.of(samples.stream().mapToDouble(Seconds::wall).toArray()).times(unit),
            Stats.of(samples.stream().mapToDouble(Seconds::cpu).toArray()).times(unit)};
    }

    int small() {
        return small;
    }

    int large() {
        return large;
    }

    @Override
    public void close() {
        smallProgram.close();
        largeProgram.close();
    }
}
