package org.ppl4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one benchmark in a JVM of its own: its peak RSS is its own, system properties read at start-up (such as
 * {@code ppl.tensor.nd4jThreshold}) take effect, and one benchmark's JIT state cannot help or hurt another. The
 * child runs on the same flags as this JVM (under {@code ./ppl bench}, the launcher's: the optimising Truffle
 * runtime); started without them, it gets the launcher's flags from {@code cli/target/jvmci}.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** What a child reported: its rows, its information lines, and its exit status. */
    record Result(List<Row> rows, Map<String, String> info, int exit) {
    }

    static List<String> command(Path root, List<String> extraJvmArgs, List<String> mainArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        boolean ownKernels = extraJvmArgs.contains(OWN_KERNELS);
        List<String> inherited = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp"))
                .filter(a -> !ownKernels || !(a.startsWith("-XX:TieredStopAtLevel=") || a.startsWith("-Dppl.kernels=")
                        || a.startsWith("-Dppl.jit.handOver=") || a.startsWith("-XX:CompilerDirectivesFile=")))
                .collect(Collectors.toList());
        cmd.addAll(inherited);
        if (inherited.stream().noneMatch(a -> a.equals("-XX:+EnableJVMCI"))) {
            List<String> launcher = launcherFlags(root);
            if (ownKernels) {
                launcher.remove("-XX:TieredStopAtLevel=1");
            }
            cmd.addAll(launcher);
        }
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchMain.class.getName());
        cmd.addAll(mainArgs);
        return cmd;
    }

    static final String OWN_KERNELS = org.ppl4j.cli.HandOverRun.OWN_KERNELS;

    /**
     * The flags of a benchmark JVM for a program with large tensors (the VAE): the JVM {@code ppl run} hands such a
     * program to (C2 and ppl4j's own kernels; cli/.../HandOverRun.java), unless the harness itself was started
     * with {@code PPL_KERNELS=nd4j} (then none: the launcher's C1 and ND4J's kernels).
     */
    static List<String> largeTensorFlags() {
        boolean nd4j = !Boolean.getBoolean("ppl.jit.handOver") && !"vector".equals(System.getProperty("ppl.kernels"))
                && ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+EnableJVMCI");
        return nd4j ? List.of() : org.ppl4j.cli.HandOverRun.ownKernelFlags();
    }

    /**
     * The flags of a benchmark JVM for a long fit: the JVM {@code ppl run} hands a fit projected to run long to
     * (the same as {@link #largeTensorFlags}: C2 and the own kernels), or none under {@code PPL_KERNELS=nd4j}, where
     * nothing is handed over.
     */
    static List<String> longFitFlags() {
        return largeTensorFlags();
    }

    /** The JVM flags of the {@code ppl} launcher script (keep the two in step). */
    static List<String> launcherFlags(Path root) throws IOException {
        List<String> flags = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "-Xss16m",
                "-XX:+UseParallelGC", "-XX:MaxNewSize=192m", "-XX:TieredStopAtLevel=1"));
        if (transparentHugePages()) {
            flags.add("-XX:+UseTransparentHugePages");
        }
        Path jvmci = root.resolve("cli/target/jvmci");
        if (Files.isDirectory(jvmci)) {
            try (Stream<Path> jars = Files.list(jvmci)) {
                String path = jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted()
                        .collect(Collectors.joining(":"));
                if (!path.isEmpty()) {
                    flags.addAll(0, List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
                            "--upgrade-module-path=" + path));
                }
            }
        }
        return flags;
    }

    /** Whether the kernel offers transparent huge pages to a JVM that asks (the launcher's test of the same). */
    static boolean transparentHugePages() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code cmd} in {@code root}; rows and information lines on its standard output are collected, any other
     * line of it is passed on to standard error, indented; its standard error passes through as it is, but for the
     * lines a JVM on the own kernels' flags starts with.
     */
    static Result run(Path root, List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        // standard error passes through, without the lines a JVM on the own kernels' flags starts with
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        Thread errors = new Thread(() -> org.ppl4j.cli.HandOverRun.passErrors(p.getErrorStream(), System.err),
                "bench-child-errors");
        errors.start();
        List<Row> rows = new ArrayList<>();
        Map<String, String> info = new LinkedHashMap<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith(Row.MARK)) {
                        rows.add(Row.parse(line));
                    } else if (line.startsWith(BenchMain.INFO)) {
                        String[] kv = line.substring(BenchMain.INFO.length()).split("\t", 2);
                        info.put(kv[0], kv.length > 1 ? kv[1] : "");
                    } else {
                        System.err.println("    " + line);
                    }
                }
            } catch (IOException e) {
                System.err.println("    (lost the child's output: " + e.getMessage() + ")");
            }
        }, "bench-child-output");
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join();
            errors.join();
            return new Result(rows, info, -1);
        }
        reader.join();
        errors.join();
        return new Result(rows, info, p.exitValue());
    }
}
