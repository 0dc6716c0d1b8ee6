package org.ppl4j.examples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.ppl4j.embed.FitResult;
import org.ppl4j.embed.Posterior;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplException;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * A posterior over HTTP: fits a Bayesian linear regression (the ppl4j program {@code regression.ppl}, a resource
 * of this application) to data held in Java arrays, then serves the fit as JSON on the loopback interface:
 *
 * <pre>
 * GET /posterior           {"objective": ..., "steps": ..., "params": {...}, "posterior": {"a": {"mean": ...}, ...}}
 * GET /posterior/ADDRESS   {"mean": ..., "sd": ..., "q05": ..., "q50": ..., "q95": ...}
 * </pre>
 *
 * <p>Run: {@code java -cp target/posterior-server-1.0.jar:$(cat target/classpath.txt)
 * org.ppl4j.examples.server.PosteriorServer --port 8080 --steps 2000}; {@code --port 0} takes a free port. It
 * prints {@code listening on http://127.0.0.1:PORT/} once it serves.
 */
public final class PosteriorServer {
    /** The data: y is about 1 + 2 x. */
    static final double[] XS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static final double[] YS = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0, 12.8, 15.2, 17.1, 18.9};

    private final FitResult fit;
    private final HttpServer server;

    private PosteriorServer(FitResult fit, int port) throws IOException {
        this.fit = fit;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/posterior", this::posterior);
        server.setExecutor(Executors.newFixedThreadPool(4)); // a FitResult is immutable: any thread may read it
    }

    public static void main(String[] args) throws IOException {
        int port = 8080;
        int steps = 2000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: PosteriorServer [--port N] [--steps N]; unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        FitResult fit;
        try {
            fit = fit(steps);
        } catch (PplException e) {
            System.err.println(e.getMessage()); // file:line:col: error: ..., the line, a caret
            System.exit(1);
            return;
        }
        PosteriorServer s = new PosteriorServer(fit, port);
        s.server.start();
        System.out.println("listening on http://127.0.0.1:" + s.server.getAddress().getPort() + "/");
        System.out.flush();
    }

    /** Compiles the program with the data from Java, runs it, and returns its fit. */
    static FitResult fit(int steps) throws IOException {
        String source;
        try (InputStream in = PosteriorServer.class.getResourceAsStream("regression.ppl")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        PplOptions options = PplOptions.defaults().withSeed(1).withData("xs", XS).withData("ys", YS)
                .withData("steps", steps).withProgressListener(step -> {
                    if (step.step() % 500 == 0 || step.step() == step.steps()) {
                        System.err.printf("fit: step %d/%d, ELBO %.2f%n", step.step(), step.steps(), step.objective());
                    }
                });
        try (PplProgram program = Ppl.compile(source, "regression.ppl", options)) {
            return program.run().lastFit();
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
            Posterior p = fit.posteriors().get(address);
            send(exchange, p == null ? 404 : 200, p == null ? "{\"error\": " + string("no latent '" + address
                    + "'; the addresses are " + fit.posteriors().keySet()) + "}" : summary(p));
        }
    }

    private String whole() {
        StringBuilder sb = new StringBuilder("{\"objective\": ").append(number(fit.objective()))
                .append(", \"steps\": ").append(fit.history().length).append(", \"params\": {");
        String sep = "";
        for (String name : fit.params().keySet()) {
            double[] v = fit.paramArray(name);
            sb.append(sep).append(string(name)).append(": ").append(v.length == 1 && fit.paramShape(name).length == 0
                    ? number(v[0]) : array(v));
            sep = ", ";
        }
        sb.append("}, \"posterior\": {");
        sep = "";
        for (Map.Entry<String, Posterior> e : fit.posteriors().entrySet()) {
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
