package org.ppl4j.examples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.ppl4j.embed.LoadedFit;
import org.ppl4j.embed.Posterior;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * A posterior over HTTP: loads a saved fit of a Bayesian linear regression (the ppl4j models {@code regression.ppl}, a
 * resource of this application) and serves draws of it as JSON on the loopback interface:
 *
 * <pre>
 * GET /posterior            {"fit": FILE, "draws": 4000, "posterior": {"a": {"mean": ..., "sd": ...}, "b": {...}}}
 * GET /posterior/ADDRESS    {"mean": ..., "sd": ..., "q05": ..., "q50": ..., "q95": ...}
 * GET /predict?n=100        {"n": 100, "x": [...], "draws": {"a": [...], "b": [...], "y[0]": [...], ...}}
 * GET /predict?n=100&x=2.5,12   posterior predictive draws at other x (sites y[0], y[1], ... in the order given)
 * </pre>
 *
 * <p>{@code --fit FILE} loads a fit that {@code save_fit} or {@code PplProgram.saveLastFit} wrote (for these models);
 * without it, start-up first fits the models in a separate program to data held in Java arrays and saves the fit
 * ({@code --save FILE}, else a temporary file), then loads it like any other. {@code --fit-only} stops after saving.
 *
 * <p>Run: {@code java -cp target/posterior-server-1.0.jar:$(cat target/classpath.txt)
 * org.ppl4j.examples.server.PosteriorServer --port 8080 --fit fit.npz}; {@code --port 0} takes a free port. It
 * prints {@code listening on http://127.0.0.1:PORT/} once it serves.
 */
public final class PosteriorServer {
    /** The data: y is about 1 + 2 x. */
    static final double[] XS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static final double[] YS = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0, 12.8, 15.2, 17.1, 18.9};
    /** Guide draws behind /posterior's summaries. */
    static final int SUMMARY_DRAWS = 4000;
    /** The most draws one /predict request may ask for. */
    static final int MAX_PREDICT = 100_000;

    private final String file;
    private final LoadedFit fit;
    private final Map<String, Posterior> posteriors;
    private final HttpServer server;

    private PosteriorServer(String file, LoadedFit fit, int port) throws IOException {
        this.file = file;
        this.fit = fit;
        this.posteriors = summaries(fit.draws(SUMMARY_DRAWS));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/posterior", this::posterior);
        server.createContext("/predict", this::predict);
        server.setExecutor(Executors.newFixedThreadPool(4)); // requests that draw take turns on the loaded fit
    }

    public static void main(String[] args) throws IOException {
        int port = 8080;
        int steps = 2000;
        Path load = null;
        Path save = null;
        boolean fitOnly = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--steps" -> steps = Integer.parseInt(value);
                case "--fit" -> load = Path.of(value);
                case "--save" -> save = Path.of(value);
                case "--fit-only" -> {
                    fitOnly = true;
                    continue;
                }
                default -> {
                    System.err.println("usage: PosteriorServer [--port N] [--fit FILE | --steps N [--save FILE]"
                            + " [--fit-only]]; unknown option " + args[i]);
                    System.exit(64);
                }
            }
            if (value == null) {
                System.err.println("PosteriorServer: " + args[i] + " needs a value");
                System.exit(64);
            }
            i++;
        }
        String models = resource("regression.ppl");
        try {
            if (load == null) {
                load = save != null ? save : Files.createTempFile("posterior-server-", ".npz");
                fitAndSave(models, steps, load);
                System.err.println("fit: saved to " + load);
                if (fitOnly) {
                    return;
                }
            }
            // serving: a program with the models only, and the saved fit loaded into it
            PplProgram program = Ppl.compile(models, "regression.ppl", PplOptions.defaults().withSeed(2));
            LoadedFit fit = program.run().loadFit(load);
            PosteriorServer s = new PosteriorServer(load.toString(), fit, port);
            s.server.start();
            System.out.println("listening on http://127.0.0.1:" + s.server.getAddress().getPort() + "/");
            System.out.flush();
        } catch (PplException | IllegalArgumentException e) {
            System.err.println(e.getMessage()); // file:line:col: error: ..., the line, a caret
            System.exit(1);
        }
    }

    /** The fitting step: compiles the models and a fit with the data from Java, runs it, and saves the fit. */
    static void fitAndSave(String models, int steps, Path file) throws IOException {
        PplOptions options = PplOptions.defaults().withSeed(1).withData("xs", XS).withData("ys", YS)
                .withData("steps", steps).withProgressListener(step -> {
                    if (step.step() % 500 == 0 || step.step() == step.steps()) {
                        System.err.printf("fit: step %d/%d, ELBO %.2f%n", step.step(), step.steps(), step.objective());
                    }
                });
        String source = models + "\nlet q = fit(elbo(line(xs), line_guide(), choices { y: ys }), optimizer: adam(0.05),"
                + " steps: steps)\n";
        try (PplProgram program = Ppl.compile(source, "regression-fit.ppl", options)) {
            program.run().saveLastFit(file);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PosteriorServer.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void posterior(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "{\"error\": \"only GET\"}");
        } else if (path.equals("/posterior") || path.equals("/posterior/")) {
            send(exchange, 200, whole());
        } else {
            String address = path.substring("/posterior/".length());
            Posterior p = posteriors.get(address);
            send(exchange, p == null ? 404 : 200, p == null ? "{\"error\": " + string("no latent '" + address
                    + "'; the addresses are " + posteriors.keySet()) + "}" : summary(p));
        }
    }

    /** GET /predict?n=N[&x=X1,X2,...]: posterior predictive draws of line(x), the data's x by default. */
    private void predict(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "{\"error\": \"only GET\"}");
            return;
        }
        int n = 100;
        double[] xs = XS;
        String query = exchange.getRequestURI().getQuery();
        try {
            for (String pair : query == null ? new String[0] : query.split("&")) {
                String[] kv = pair.split("=", 2);
                String v = kv.length == 2 ? kv[1] : "";
                switch (kv[0]) {
                    case "n" -> n = Integer.parseInt(v);
                    case "x" -> xs = java.util.Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
                    default -> throw new IllegalArgumentException("unknown parameter '" + kv[0] + "' (n, x)");
                }
            }
            if (n < 1 || n > MAX_PREDICT) {
                throw new IllegalArgumentException("n must be between 1 and " + MAX_PREDICT + ", got " + n);
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            send(exchange, 400, "{\"error\": " + string(e.getMessage()) + "}");
            return;
        }
        Map<String, Object> draws;
        synchronized (fit) { // a loaded fit (like its program) serves one thread at a time
            draws = fit.predict(n, "line", (Object) xs);
        }
        StringBuilder sb = new StringBuilder("{\"n\": ").append(n).append(", \"x\": ").append(array(xs))
                .append(", \"draws\": {");
        String sep = "";
        for (Map.Entry<String, Object> e : draws.entrySet()) {
            sb.append(sep).append(string(e.getKey())).append(": ").append(array((double[]) e.getValue()));
            sep = ", ";
        }
        send(exchange, 200, sb.append("}}").toString());
    }

    /** Per latent: mean, sd and quantiles of the loaded fit's guide draws. */
    private static Map<String, Posterior> summaries(Map<String, Object> draws) {
        Map<String, Posterior> out = new LinkedHashMap<>();
        draws.forEach((address, v) -> {
            double[] d = ((double[]) v).clone();
            java.util.Arrays.sort(d);
            double mean = java.util.Arrays.stream(d).average().orElse(Double.NaN);
            double var = java.util.Arrays.stream(d).map(x -> (x - mean) * (x - mean)).sum() / (d.length - 1);
            out.put(address, new Posterior(mean, Math.sqrt(var), d[(int) (0.05 * (d.length - 1))],
                    d[(d.length - 1) / 2], d[(int) (0.95 * (d.length - 1))]));
        });
        return out;
    }

    private String whole() {
        StringBuilder sb = new StringBuilder("{\"fit\": ").append(string(file)).append(", \"draws\": ")
                .append(SUMMARY_DRAWS).append(", \"posterior\": {");
        String sep = "";
        for (Map.Entry<String, Posterior> e : posteriors.entrySet()) {
            sb.append(sep).append(string(e.getKey())).append(": ").append(summary(e.getValue()));
            sep = ", ";
        }
        return sb.append("}}").toString();
    }

    private static String summary(Posterior p) {
        return "{\"mean\": " + number(p.mean()) + ", \"sd\": " + number(p.sd()) + ", \"q05\": " + number(p.q05())
                + ", \"q50\": " + number(p.q50()) + ", \"q95\": " + number(p.q95()) + "}";
    }

    private static String array(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(']').toString();
    }

    /** JSON has no NaN or infinity: null. */
    private static String number(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    private static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
