package org.ppl4j.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same VAE in hand-written PyTorch and in Pyro, timed by the peers' own script ({@code vae_fmnist.py} of
 * {@code ../shared/peers}, or {@code $PPL_PEERS_DIR}) with Debian's Python, one thread, where that is set up: PyTorch
 * when {@code /usr/bin/python3} imports torch, Pyro when the Pyro sources are in {@code $PEERS_DIR/src} too. Each
 * figure is the script's median step time over its first 400 steps (as {@code side_by_side.sh} takes it).
 */
final class Peers {
    static final String PYTHON = "/usr/bin/python3";
    private static final Pattern MEDIAN = Pattern.compile("'median_ms': ([0-9.]+)");

    private Peers() {
    }

    /** The peers' directory when its VAE script is there, else null. */
    static Path dir(Path root) {
        String env = System.getenv("PPL_PEERS_DIR");
        Path d = env != null && !env.isEmpty() ? Path.of(env) : root.toAbsolutePath().getParent().resolve("shared/peers");
        return Files.isRegularFile(d.resolve("vae_fmnist.py")) && Files.isExecutable(Path.of(PYTHON)) ? d : null;
    }

    /** The directory of the Pyro sources (pyro, opt_einsum, pyro-api) when set up, else null. */
    static Path pyroSources() {
        String src = System.getenv("PEERS_SRC");
        String peers = System.getenv("PEERS_DIR");
        Path d = src != null ? Path.of(src) : peers != null ? Path.of(peers, "src") : null;
        return d != null && Files.isDirectory(d.resolve("pyro")) ? d : null;
    }

    /**
     * One VAE run of the peers' script in {@code mode} ("torch" or "pyro"): its median ms per step, or a reason
     * it gave none.
     */
    static Object vaeStepMs(Path peers, String mode) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, peers.resolve("vae_fmnist.py").toString(), mode));
        if (mode.equals("pyro")) {
            cmd.add("--novalidate");
        }
        cmd.add("1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("VAE_MAX_STEPS", "400");
        env.put("BENCH_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OMP_NUM_THREADS", "1");
        Path src = pyroSources();
        if (src != null) {
            env.put("PYTHONPATH", src.resolve("pyro") + ":" + src.resolve("opt_einsum") + ":" + src.resolve("pyro-api"));
        }
        try {
            Process p = pb.start();
            String median = null;
            String last = "";
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    Matcher m = MEDIAN.matcher(line);
                    if (median == null && m.find()) {
                        median = m.group(1);
                    }
                    if (!line.isBlank()) {
                        last = line.strip();
                    }
                }
            }
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return median != null ? (Object) Double.parseDouble(median) : "no step time (exit " + p.exitValue() + ": "
                    + last + ")";
        } catch (Exception e) {
            return "failed: " + BenchMain.firstLine(e);
        }
    }
}
