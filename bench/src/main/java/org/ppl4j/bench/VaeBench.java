package org.ppl4j.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * The Fashion-MNIST VAE at batch 128: ms per step of {@code examples/vae/vae.ppl} and of {@link HandWrittenVae},
 * measured in turns in one JVM; and, in JVMs of their own, each one's resident memory after every epoch.
 *
 * <p>The program takes its options after the file, as {@code ./ppl run examples/vae/vae.ppl --epochs 1
 * --train 2560 --test 0 --batch 128 --data DIR}: a run of E epochs over T training images takes E * T / 128
 * steps.
 */
final class VaeBench {
    static final Path PROGRAM = Path.of("examples/vae/vae.ppl");
    static final int BATCH = 128;

    private VaeBench() {
    }

    private static void nd4jThreads() {
        int threads = Integer.parseInt(System.getProperty("ppl.threads", System.getenv().getOrDefault("PPL_THREADS",
                "1")));
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
    }

    static INDArray load(Path data, int images) throws Exception {
        FashionMnist.Images im = FashionMnist.trainImages(data, images);
        return Nd4j.createFromArray(im.values()).reshape(im.count(), im.pixels());
    }

    /** Options for one run of the program: {@code epochs} over {@code train} images, no test set. */
    static PplOptions options(Path data, int epochs, int train, OutputStream out) {
        return Programs.reading(out, Path.of(""), data).withArgument("epochs", Integer.toString(epochs))
                .withArgument("train", Integer.toString(train))
                .withArgument("test", "0").withArgument("batch", Integer.toString(BATCH))
                .withArgument("data", data.toAbsolutePath().toString());
    }

    /** Why the program cannot be timed here, or null when it can. */
    static String unavailable() {
        return Files.isRegularFile(PROGRAM) ? null : "not available: " + PROGRAM + " is not in this checkout";
    }

    static void time(boolean quick, Path data) throws Exception {
        nd4jThreads();
        int available = FashionMnist.trainCount(data);
        int images = Math.min(available, BATCH * 100) / BATCH * BATCH;
        INDArray x = load(data, images);
        int batches = images / BATCH;
        HandWrittenVae vae = HandWrittenVae.fashionMnist(images, 1);
        for (int i = 0; i < (quick ? 10 : 30); i++) {
            vae.step(HandWrittenVae.batch(x, i % batches, BATCH));
        }

        // Steps of the program: whole epochs of the same training set in both runs, so that reading and
        // binarising the images (the program's own work before its fit, proportional to the images it keeps)
        // cancels in the difference. Runs of one epoch over 128·S images charged that work to the steps (a cold
        // JVM took 0.95 s more to prepare 26,240 images than 640; docs/performance.md).
        int unit = batches;
        StepDifference.Program pplProgram = steps -> Ppl.compile(PROGRAM, options(data, steps / unit, images,
                OutputStream.nullOutputStream()));
        String problem = unavailable();
        StepDifference ppl = null;
        if (problem == null) {
            try {
                // at least 200 steps of difference (about 4 s): the small run's time per step, which sizes the
                // difference, includes compiling the program and loading the data. Three warm-up runs of each:
                // the step's functions are called once a step and Truffle compiles a function in the background
                // once it has been called often enough, so the timed runs, like the steps of a long fit, should
                // run compiled code
                ppl = StepDifference.open(pplProgram, unit, quick ? 1.0 : 4.0,
                        Math.max(unit, quick ? 40 : 200), unit, quick ? 1 : 3);
            } catch (Exception e) {
                problem = "failed: " + BenchMain.firstLine(e);
            }
        }

        // the peers (hand-written PyTorch, Pyro), where set up: once before and once after the runs in turns below
        Path peers = Peers.dir(Path.of(""));
        boolean withPyro = peers != null && Peers.pyroSources() != null;
        List<Object> torch = new ArrayList<>();
        List<Object> pyro = new ArrayList<>();
        if (peers != null) {
            torch.add(Peers.vaeStepMs(peers, "torch"));
            if (withPyro) {
                pyro.add(Peers.vaeStepMs(peers, "pyro"));
            }
        }

        int reps = quick ? 3 : 7;
        int block = quick ? 10 : 30;
        List<StepDifference.Seconds> java = new ArrayList<>();
        List<StepDifference.Seconds> dsl = new ArrayList<>();
        int[] next = {0};
        for (int r = 0; r < reps; r++) {
            StepDifference.collectGarbage();
            java.add(StepDifference.measure(() -> {
                for (int i = 0; i < block; i++) {
                    vae.step(HandWrittenVae.batch(x, next[0]++ % batches, BATCH));
                }
            }).over(block));
            if (ppl != null) {
                try {
                    dsl.add(ppl.secondsPerStep());
                } catch (RuntimeException e) {
                    problem = "failed: " + BenchMain.firstLine(e);
                    ppl.close();
                    ppl = null;
                }
            }
        }
        if (peers != null) {
            torch.add(Peers.vaeStepMs(peers, "torch"));
            if (withPyro) {
                pyro.add(Peers.vaeStepMs(peers, "pyro"));
            }
        }
        Stats[] hand = StepDifference.stats(java, 1000);
        String handLabel = "VAE step, batch 128: hand-written Java + ND4J";
        String handNotes = String.format(Locale.ROOT, "%d steps a run; main-thread CPU %.2f ms", block,
                hand[1].median());
        String pplLabel = "VAE step, batch 128: " + PROGRAM;
        if (problem == null) {
            Stats[] program = StepDifference.stats(dsl, 1000);
            BenchMain.emit(Row.measured(pplLabel, program[0], "ms", "%.2f", String.format(Locale.ROOT,
                    "%d vs %d steps a run%s; main-thread CPU %.2f ms; %s", ppl.large(), ppl.small(),
                    " (whole epochs of the same images)", program[1].median(),
                    org.ppl4j.runtime.ad.Tensor.kernels())));
            ppl.close();
            BenchMain.emit(Row.measured(handLabel, hand[0], "ms", "%.2f", handNotes + "; in turns with the program"));
            BenchMain.emit(Row.text("VAE: ppl4j / hand-written", String.format(Locale.ROOT, "%.2f",
                    program[0].median() / hand[0].median()), String.format(Locale.ROOT,
                            "target ≤ 1.10; by main-thread CPU %.2f", program[1].median() / hand[1].median())));
            peerRows("hand-written PyTorch", "torch", torch, program[0].median(), "target ≤ 1.10");
            peerRows("Pyro", "pyro --novalidate", pyro, program[0].median(), "target ≤ 0.80");
        } else {
            BenchMain.emit(Row.text(pplLabel, problem, ""));
            BenchMain.emit(Row.measured(handLabel, hand[0], "ms", "%.2f", handNotes));
        }
        BenchMain.info("vae-data", data + " (" + available + " training images; " + images + " used)");
    }

    /**
     * A peer's VAE step times (before and after) and ppl4j's ratio to each, from ppl4j's median step in ms;
     * nothing when it is not set up.
     */
    private static void peerRows(String who, String mode, List<Object> ms, double programMs, String target) {
        if (ms.isEmpty()) {
            return;
        }
        List<String> figures = new ArrayList<>();
        for (Object m : ms) {
            figures.add(m instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : "(" + m + ")");
        }
        List<String> ratios = ratios(programMs, ms);
        BenchMain.emit(Row.text("VAE step, batch 128: " + who, String.join(", ", figures) + " ms",
                "peers/vae_fmnist.py " + mode + ", median of its first 400 steps, one thread; before and after the"
                        + " runs above"));
        if (!ratios.isEmpty()) {
            BenchMain.emit(Row.text("VAE: ppl4j / " + who, String.join(", ", ratios), target));
        }
    }

    /** ppl4j's step over each peer figure that was measured (a Double, in ms; others are why it was not). */
    static List<String> ratios(double programMs, List<Object> peerMs) {
        List<String> r = new ArrayList<>();
        for (Object m : peerMs) {
            if (m instanceof Double d) {
                r.add(String.format(Locale.ROOT, "%.2f", programMs / d));
            }
        }
        return r;
    }

    /** Epochs and images of the memory runs: enough steps an epoch that a leak per step would show. */
    static int[] memoryShape(boolean quick, int available) {
        int images = Math.min(available, BATCH * (quick ? 40 : 100)) / BATCH * BATCH;
        return new int[] {quick ? 3 : 5, images};
    }

    static void memoryOfProgram(boolean quick, Path data) throws Exception {
        String label = "VAE peak RSS: " + PROGRAM;
        String problem = unavailable();
        if (problem != null) {
            BenchMain.emit(Row.text(label, problem, ""));
            return;
        }
        int[] shape = memoryShape(quick, FashionMnist.trainCount(data));
        LineRecorder out = new LineRecorder("    vae.ppl: ");
        try (PplProgram p = Ppl.compile(PROGRAM, options(data, shape[0], shape[1], out))) {
            p.run();
        } catch (Exception e) {
            BenchMain.emit(Row.text(label, "failed", BenchMain.firstLine(e)));
            return;
        }
        List<LineRecorder.Line> lines = out.lines();
        List<LineRecorder.Line> epochs = lines.stream().filter(l -> l.text().toLowerCase(Locale.ROOT).contains("epoch"))
                .collect(Collectors.toList());
        List<LineRecorder.Line> shown = epochs.isEmpty() ? lines : epochs;
        BenchMain.emit(Row.text(label, ProcessInfo.mib(ProcessInfo.peakRss()), shape[0] + " epochs of " + shape[1]
                + " images; RSS at each " + (epochs.isEmpty() ? "output line" : "epoch line") + ": " + shown.stream()
                        .map(l -> ProcessInfo.mib(l.rss())).collect(Collectors.joining(", "))));
    }

    static void memoryOfHandWritten(boolean quick, Path data) throws Exception {
        nd4jThreads();
        int[] shape = memoryShape(quick, FashionMnist.trainCount(data));
        INDArray x = load(data, shape[1]);
        HandWrittenVae vae = HandWrittenVae.fashionMnist(shape[1], 1);
        List<String> rss = new ArrayList<>();
        for (int e = 0; e < shape[0]; e++) {
            double objective = vae.epoch(x, BATCH);
            System.err.printf(Locale.ROOT, "    hand-written: epoch %d, train objective per image %.1f%n", e + 1,
                    objective / shape[1]);
            rss.add(ProcessInfo.mib(ProcessInfo.rss()));
        }
        BenchMain.emit(Row.text("VAE peak RSS: hand-written Java + ND4J", ProcessInfo.mib(ProcessInfo.peakRss()),
                shape[0] + " epochs of " + shape[1] + " images; RSS after each epoch: " + String.join(", ", rss)));
    }
}
