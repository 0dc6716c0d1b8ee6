package org.ppl4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./ppl bench [--quick] [--only vae,schools,gmm,start]}: times ppl4j and prints one Markdown table.
 *
 * <p>Each benchmark runs in a JVM of its own ({@link ChildJvm}), started with this JVM's flags; this process only
 * starts them, times the cold start of {@code ./ppl run examples/coin.ppl}, and prints the table. Figures are
 * medians over repeated runs after warm-up, with the interquartile range. Run from anywhere: the repository root
 * is found from the working directory or given with {@code --root}.
 */
public final class BenchMain {
    static final String INFO = "@bench-info\t";
    static final List<String> SECTIONS = List.of("vae", "schools", "gmm", "independence", "start");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ppl bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(64);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (o.worker != null) {
            System.exit(worker(o));
        }
        System.out.println(orchestrate(o));
    }

    /** Command-line options of the harness and of its workers. */
    static final class Options {
        static final String USAGE = """
                usage: ppl bench [--quick] [--only SECTIONS] [--data DIR] [--root DIR]
                  --quick          fewer and shorter repetitions (a smoke run of two or three minutes)
                  --only SECTIONS  a comma-separated subset of: vae, schools, gmm, independence, start
                  --data DIR       Fashion-MNIST folder (default: /usr/share/datasets/fashion-mnist, else
                                   examples/vae/data)
                  --root DIR       the ppl4j checkout (default: found from the working directory)""";

        boolean quick;
        boolean help;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        Path root;
        Path data;
        String worker;
        String label = "";

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--quick")) {
                    o.quick = true;
                } else if (a.equals("--help") || a.equals("-h")) {
                    o.help = true;
                } else if (a.equals("--only") || a.equals("--root") || a.equals("--data") || a.equals("--worker")
                        || a.equals("--label")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    if (a.equals("--only")) {
                        o.only = new LinkedHashSet<>(Arrays.asList(v.split(",")));
                        for (String s : o.only) {
                            if (!SECTIONS.contains(s)) {
                                throw new IllegalArgumentException("unknown section '" + s + "' in --only; the "
                                        + "sections are " + String.join(", ", SECTIONS));
                            }
                        }
                    } else if (a.equals("--root")) {
                        o.root = Path.of(v);
                    } else if (a.equals("--data")) {
                        o.data = Path.of(v);
                    } else if (a.equals("--worker")) {
                        o.worker = v;
                    } else {
                        o.label = v;
                    }
                } else {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (o.root == null) {
                o.root = findRoot(Path.of("").toAbsolutePath());
            }
            return o;
        }

        /** The arguments a worker gets to run {@code name} with these options. */
        List<String> forWorker(String name, String workerLabel) {
            List<String> a = new ArrayList<>(List.of("--worker", name, "--root", root.toString()));
            if (quick) {
                a.add("--quick");
            }
            if (data != null) {
                a.addAll(List.of("--data", data.toString()));
            }
            if (!workerLabel.isEmpty()) {
                a.addAll(List.of("--label", workerLabel));
            }
            return a;
        }
    }

    /** The nearest folder at or above {@code from} that holds {@code examples/coin.ppl} and {@code bench/}. */
    static Path findRoot(Path from) {
        for (Path p = from; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/coin.ppl")) && Files.isDirectory(p.resolve("bench"))) {
                return p;
            }
        }
        throw new IllegalArgumentException("cannot find the ppl4j checkout above " + from + "; give it with --root");
    }

    static void emit(Row row) {
        System.out.println(row.serialise());
        System.out.flush();
    }

    static void info(String key, String value) {
        System.out.println(INFO + key + "\t" + value.replace('\n', ' '));
        System.out.flush();
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Runs one benchmark in this JVM (a child of the harness), printing its rows; the exit status. */
    static int worker(Options o) {
        try {
            info("truffle-runtime", com.oracle.truffle.api.Truffle.getRuntime().getName());
            Path data = o.data != null ? o.data : FashionMnist.locate(o.root);
            switch (o.worker) {
                case "vae-time", "vae-memory-ppl", "vae-memory-java" -> {
                    if (data == null) {
                        emit(Row.text("VAE (" + o.worker + ")", "not available", "no Fashion-MNIST in "
                                + FashionMnist.DEBIAN + " or " + FashionMnist.SUBSET));
                        return 0;
                    }
                    if (o.worker.equals("vae-time")) {
                        VaeBench.time(o.quick, data);
                    } else if (o.worker.equals("vae-memory-ppl")) {
                        VaeBench.memoryOfProgram(o.quick, data);
                    } else {
                        VaeBench.memoryOfHandWritten(o.quick, data);
                    }
                }
                case "schools" -> SchoolsBench.run(o.quick, o.label);
                case "gmm" -> GmmBench.run(o.quick, o.label);
                case "independence" -> IndependenceBench.run(o.quick, data);
                default -> throw new IllegalArgumentException("unknown worker '" + o.worker + "'");
            }
            return 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
            emit(Row.text(o.worker + (o.label.isEmpty() ? "" : " (" + o.label + ")"), "failed", firstLine(e)));
            return 1;
        }
    }

    /** One child JVM's rows; a child that fails without rows leaves one "failed" row. */
    private static List<Row> child(Options o, String name, String label, List<String> jvmArgs,
            Map<String, String> info) throws IOException, InterruptedException {
        System.err.println("ppl bench: " + name + (label.isEmpty() ? "" : " (" + label + ")") + "...");
        ChildJvm.Result r = ChildJvm.run(o.root, ChildJvm.command(o.root, jvmArgs, o.forWorker(name, label)),
                o.quick ? 900 : 3600);
        info.putAll(r.info());
        if (r.rows().isEmpty()) {
            return List.of(Row.text(name, "failed", r.exit() < 0 ? "timed out" : "exit status " + r.exit()));
        }
        return r.rows();
    }

    static String orchestrate(Options o) throws Exception {
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, String> info = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        if (o.only.contains("vae")) {
            // on the JVM ppl run hands a program with large tensors to (C2, ppl4j's own kernels)
            List<String> large = ChildJvm.largeTensorFlags();
            rows.addAll(child(o, "vae-time", "", large, info));
            rows.addAll(child(o, "vae-memory-ppl", "", large, info));
            rows.addAll(child(o, "vae-memory-java", "", large, info));
        }
        if (o.only.contains("schools")) {
            rows.addAll(child(o, "schools", "default ppl.tensor.nd4jThreshold", List.of(), info));
            rows.addAll(child(o, "schools", "-Dppl.tensor.nd4jThreshold=1", List.of("-Dppl.tensor.nd4jThreshold=1"),
                    info));
        }
        if (o.only.contains("gmm")) {
            // on the launcher's JVM (C1), where a fit runs unless it is long, and on the JVM a long fit is handed to
            rows.addAll(child(o, "gmm", "", List.of(), info));
            List<String> longFit = ChildJvm.longFitFlags();
            if (!longFit.isEmpty()) { // none under PPL_KERNELS=nd4j, where nothing is handed over
                rows.addAll(child(o, "gmm", GmmBench.LONG_FIT, longFit, info));
            }
        }
        if (o.only.contains("independence")) {
            rows.addAll(child(o, "independence", "", List.of(), info));
        }
        if (o.only.contains("start")) {
            rows.add(ColdStart.measure(o.root, o.quick ? 3 : 7));
        }
        double endLoad = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "ppl4j bench%s, %s: %d cores (load average %.1f at the start, %.1f at "
                + "the end), JDK %s, Truffle runtime %s, %s BLAS thread(s)%n", o.quick ? " --quick" : "", started,
                Runtime.getRuntime().availableProcessors(), load, endLoad, System.getProperty("java.version"),
                info.getOrDefault("truffle-runtime", "?"), System.getProperty("ppl.threads", "1")));
        if (info.containsKey("vae-data")) {
            sb.append("VAE data: ").append(info.get("vae-data")).append('\n');
        }
        sb.append('\n');
        sb.append("| benchmark | median | interquartile range | runs | notes |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(r.markdown()).append('\n');
        }
        return sb.toString();
    }
}
