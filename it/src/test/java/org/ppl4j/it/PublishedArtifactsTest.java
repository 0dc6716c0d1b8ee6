package org.ppl4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published shape, proven: {@code mvn deploy -Prelease -DaltDeploymentRepository=...} of ppl4j-core, -cli,
 * -tools, -bom (and what they need) into a temporary file repository; then the example application
 * (examples/embedding, a copy outside this repository) is built with an empty local repository against that
 * repository alone for ppl4j and, for third-party artifacts, this build's own local repository as a mirror of every
 * remote one (so the test needs no network); finally the application runs on a free loopback port and its JSON
 * answer is checked against the exact posterior of its regression.
 */
class PublishedArtifactsTest {
    private static final Path ROOT = Path.of(System.getProperty("ppl.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("ppl.version", "0.1.0-SNAPSHOT");
    private static final List<String> WITH_JARS = List.of("ppl4j-core", "ppl4j-cli", "ppl4j-compiler",
            "ppl4j-runtime", "ppl4j-grammar", "ppl4j-stdlib", "ppl4j-estimators", "ppl4j-vi");
    private static final List<String> POM_ONLY = List.of("ppl4j-parent", "ppl4j-tools", "ppl4j-bom");

    @TempDir
    Path tmp;

    @Test
    void deployResolveAndServe() throws Exception {
        Path deployed = tmp.resolve("deployed");
        run(ROOT, List.of("-Prelease", "deploy", "-Dmaven.test.skip=true", "-DaltDeploymentRepository=it::"
                + deployed.toUri(), "-pl", "core,cli,tools,bom", "-am"), tmp.resolve("deploy.log"));
        checkDeployed(deployed);

        Path app = tmp.resolve("app");
        copy(ROOT.resolve("examples/embedding/pom.xml"), app.resolve("pom.xml"));
        copy(ROOT.resolve("examples/embedding/src"), app.resolve("src"));
        Path emptyRepository = tmp.resolve("m2");
        Files.createDirectories(emptyRepository);
        Path settings = app.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>this-build</id><mirrorOf>*,!ppl4j-deployed</mirrorOf><url>%s</url></mirror></mirrors>
                  <profiles><profile><id>deployed</id><repositories><repository>
                    <id>ppl4j-deployed</id><url>%s</url>
                    <releases><enabled>false</enabled></releases><snapshots><enabled>true</enabled></snapshots>
                  </repository></repositories></profile></profiles>
                  <activeProfiles><activeProfile>deployed</activeProfile></activeProfiles>
                </settings>
                """.formatted(emptyRepository, Path.of(System.getProperty("ppl.localRepository")).toUri(),
                deployed.toUri()));
        run(app, List.of("-s", settings.toString(), "-Dmaven.repo.local=" + emptyRepository,
                "-Dppl4j.version=" + VERSION, "package"), tmp.resolve("app.log"));

        String classpath = Files.readString(app.resolve("target/classpath.txt")).strip();
        List<Path> jars = Stream.of(classpath.split(java.io.File.pathSeparator)).map(Path::of).toList();
        long bytes = 0;
        List<String> names = new ArrayList<>();
        for (Path jar : jars) {
            assertTrue(jar.startsWith(emptyRepository), jar + " resolved into the application's own repository");
            names.add(jar.getFileName().toString());
            if (!jar.getFileName().toString().startsWith("slf4j-nop")) { // the application's own choice
                bytes += Files.size(jar);
            }
        }
        assertTrue(names.stream().anyMatch(n -> n.startsWith("ppl4j-core-")), names.toString());
        for (String banned : List.of("ppl4j-cli", "picocli", "jline", "progressbar", "profiler-tool",
                "chromeinspector", "slf4j-simple", "logback")) {
            assertFalse(names.stream().anyMatch(n -> n.startsWith(banned)), banned + " is not ppl4j-core's: " + names);
        }
        assertEquals(1, names.stream().filter(n -> n.startsWith("slf4j-nop")).count(), "the application's binding");
        // the native BLAS and JavaCPP ppl4j is built and tested with (the BOM's), not the older ones ND4J asks for
        for (String jar : List.of("openblas-0.3.28-1.5.11.jar", "openblas-0.3.28-1.5.11-linux-x86_64.jar",
                "javacpp-1.5.11.jar")) {
            assertTrue(names.contains(jar), jar + " is missing: " + names);
        }
        assertFalse(names.stream().anyMatch(n -> n.startsWith("openblas-0.3.19") || n.startsWith("javacpp-1.5.7")),
                "ND4J's older OpenBLAS or JavaCPP came in: " + names);
        System.out.printf(Locale.ROOT, "ppl4j-core and its dependencies: %d jars, %.1f MiB%n", jars.size() - 1,
                bytes / 1048576.0);

        serve(app, classpath);
    }

    /** Jar, sources, javadoc and POM with the metadata Maven Central asks for, per artifact. */
    private static void checkDeployed(Path deployed) throws IOException {
        for (String artifact : WITH_JARS) {
            Path dir = deployed.resolve("org/ppl4j/" + artifact + "/" + VERSION);
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar", ".pom")) {
                String glob = artifact + "-" + VERSION.replace("-SNAPSHOT", "") + "-*" + suffix;
                try (var found = Files.newDirectoryStream(dir, glob)) {
                    List<Path> files = new ArrayList<>();
                    found.forEach(files::add);
                    files.removeIf(f -> suffix.equals(".jar") && (f.toString().endsWith("-sources.jar")
                            || f.toString().endsWith("-javadoc.jar")));
                    assertFalse(files.isEmpty(), artifact + ": no " + suffix + " in " + dir);
                    if (suffix.equals(".pom")) {
                        String pom = Files.readString(files.get(0));
                        assertTrue(pom.contains("<name>") && pom.contains("<description>"), artifact + " names itself");
                    }
                    if (artifact.equals("ppl4j-core") && suffix.equals("-javadoc.jar")) {
                        try (ZipFile z = new ZipFile(files.get(0).toFile())) {
                            // under its automatic module name, as javadoc lays out a module's pages
                            assertTrue(z.getEntry("org.ppl4j.core/org/ppl4j/embed/PplProgram.html") != null
                                    || z.getEntry("org/ppl4j/embed/PplProgram.html") != null, "core's javadoc");
                        }
                    }
                }
            }
        }
        for (String artifact : POM_ONLY) {
            try (var found = Files.newDirectoryStream(deployed.resolve("org/ppl4j/" + artifact + "/" + VERSION),
                    "*.pom")) {
                assertTrue(found.iterator().hasNext(), artifact + " POM deployed");
            }
        }
        String parent;
        try (var found = Files.newDirectoryStream(deployed.resolve("org/ppl4j/ppl4j-parent/" + VERSION), "*.pom")) {
            parent = Files.readString(found.iterator().next());
        }
        for (String element : List.of("<url>", "<licenses>", "<name>Apache-2.0</name>", "<scm>", "<developers>",
                "<description>")) {
            assertTrue(parent.contains(element), "the parent POM has " + element);
        }
    }

    /**
     * Starts the application on a free loopback port (it binds port 0 and prints the port) and checks its JSON:
     * the posterior means of the line's intercept and slope lie within half an exact posterior standard deviation
     * of the exact posterior means (prior N(0, 25), unit noise, the application's ten points; seed 1, 2000 steps,
     * 4000 guide draws of the saved and loaded fit, whose Monte Carlo error is 1/60 of a standard deviation); its
     * posterior predictive draws (GET /predict) have the shape asked for and the model's unit noise (bounds below).
     */
    private void serve(Path app, String classpath) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss8m", "-Dpolyglot.engine.WarnInterpreterOnly=false", "-cp",
                app.resolve("target/posterior-server-1.0.jar") + java.io.File.pathSeparator + classpath,
                "org.ppl4j.examples.server.PosteriorServer", "--port", "0", "--steps", "2000");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectError(tmp.resolve("server.err").toFile());
        Process server = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(5, TimeUnit.MINUTES);
            assertTrue(line != null && line.matches("listening on http://127\\.0\\.0\\.1:\\d+/"),
                    line + "\n" + Files.readString(tmp.resolve("server.err")));
            URI base = URI.create(line.substring("listening on ".length()));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> whole = http.send(HttpRequest.newBuilder(base.resolve("posterior")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, whole.statusCode(), whole.body());
            assertEquals("application/json; charset=utf-8", whole.headers().firstValue("Content-Type").orElse(""));

            double[] xs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            double[] ys = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0, 12.8, 15.2, 17.1, 18.9};
            // posterior precision P = I / 25 + X'X (X = [1, x]), mean = P^-1 X'y
            double p11 = 1 / 25.0 + xs.length;
            double p12 = 0;
            double p22 = 1 / 25.0;
            double r1 = 0;
            double r2 = 0;
            for (int i = 0; i < xs.length; i++) {
                p12 += xs[i];
                p22 += xs[i] * xs[i];
                r1 += ys[i];
                r2 += xs[i] * ys[i];
            }
            double det = p11 * p22 - p12 * p12;
            double meanA = (p22 * r1 - p12 * r2) / det;
            double meanB = (p11 * r2 - p12 * r1) / det;
            double sdA = Math.sqrt(p22 / det);
            double sdB = Math.sqrt(p11 / det);
            String body = whole.body();
            assertEquals(meanA, field(body, "\"a\": \\{\"mean\": "), sdA / 2, body);
            assertEquals(meanB, field(body, "\"b\": \\{\"mean\": "), sdB / 2, body);
            assertEquals(4000, (int) field(body, "\"draws\": "), body);
            // a mean-field guide's sd is the inverse square root of the precision's diagonal (20%)
            assertEquals(1 / Math.sqrt(p22), field(body, "\"b\": \\{\"mean\": [^,]*, \"sd\": "), 0.2 / Math.sqrt(p22),
                    body);

            // posterior predictive draws of the loaded fit: each draw's y[i] - (a + b x[i]) is the unit noise, N(0, 1)
            // whatever the fit; over n = 2000 draws per site its mean lies within 4 / sqrt(n) = 0.089 of 0 and its
            // sample variance within 4 sqrt(2 / n) = 0.126 of 1 (four standard errors)
            int n = 2000;
            HttpResponse<String> predicted = http.send(HttpRequest.newBuilder(base.resolve("predict?n=" + n)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predicted.statusCode(), predicted.body());
            String pp = predicted.body();
            assertEquals(n, (int) field(pp, "\\{\"n\": "), pp.substring(0, Math.min(200, pp.length())));
            double[] a = array(pp, "a");
            double[] b = array(pp, "b");
            assertEquals(n, a.length);
            for (int i = 0; i < xs.length; i++) {
                double[] y = array(pp, "y[" + i + "]");
                assertEquals(n, y.length, "y[" + i + "]");
                double sum = 0;
                double sq = 0;
                for (int k = 0; k < n; k++) {
                    double r = y[k] - (a[k] + b[k] * xs[i]);
                    sum += r;
                    sq += r * r;
                }
                double mean = sum / n;
                double var = (sq - n * mean * mean) / (n - 1);
                assertEquals(0, mean, 4 / Math.sqrt(n), "residual mean at y[" + i + "]");
                assertEquals(1, var, 4 * Math.sqrt(2.0 / n), "residual variance at y[" + i + "]");
            }
            // and the replicated y at x = 9 is centred on the exact posterior mean a + 9 b: within the guide means'
            // half sds above plus four standard errors of the draws' mean
            double[] y9 = array(pp, "y[9]");
            double m9 = java.util.Arrays.stream(y9).average().orElseThrow();
            double sd9 = Math.sqrt(java.util.Arrays.stream(y9).map(v -> (v - m9) * (v - m9)).sum() / (n - 1));
            assertEquals(meanA + 9 * meanB, m9, sdA / 2 + 9 * sdB / 2 + 4 * sd9 / Math.sqrt(n));
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(base.resolve("predict?n=0")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), bad.body());

            HttpResponse<String> one = http.send(HttpRequest.newBuilder(base.resolve("posterior/b")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, one.statusCode());
            assertEquals(field(body, "\"b\": \\{\"mean\": "), field(one.body(), "\\{\"mean\": "), one.body());
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(base.resolve("posterior/c")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals("{\"error\": \"no latent 'c'; the addresses are [a, b]\"}", missing.body());
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** The JSON array of numbers under the key {@code key}. */
    private static double[] array(String json, String key) {
        Matcher m = Pattern.compile(Pattern.quote("\"" + key + "\": [") + "([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(), "no array " + key);
        return java.util.Arrays.stream(m.group(1).split(",")).mapToDouble(v -> Double.parseDouble(v.strip())).toArray();
    }

    private static double field(String json, String before) {
        Matcher m = Pattern.compile(before + "(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), "no " + before + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    /** Runs Maven in {@code dir}; on failure the assertion shows the end of its log. */
    private static void run(Path dir, List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("ppl.mavenHome", "/usr/share/maven"), "bin", "mvn").toString());
        command.add("-B");
        command.add("-q");
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " in " + dir + ":\n"
                + text.substring(Math.max(0, text.length() - 4000)));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
        }
    }
}
