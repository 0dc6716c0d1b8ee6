package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truffle's tools on ppl4j programs, as {@code ppl run --cpusampler} and {@code ppl run --inspect} start them:
 * the sampler attributes time to ppl functions by name and source lines, and Chrome DevTools (here a small
 * WebSocket client speaking its protocol) can attach, sees the program paused at its first statement, and
 * resumes it to the end.
 */
class TruffleToolsTest {
    @TempDir
    Path dir;

    /** A program whose time goes into the function {@code hot_loop} (about a second in the interpreter). */
    private static final String WORK = """
            fn hot_loop(n) {
              let s = 0
              for i in 0..n {
                s = s + sin(i) * cos(i)
              }
              s
            }
            let total = 0
            for k in 0..40 {
              total = total + hot_loop(5000)
            }
            print(total > -1000)
            """;

    private static int[] codeOutErr(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            return new int[] {Main.execute(args, o, e)};
        }
    }

    @Test
    void theCpuSamplerNamesPplFunctions() throws IOException {
        Path p = dir.resolve("hot.ppl");
        Files.writeString(p, WORK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = codeOutErr(new String[] {"run", p.toString(), "--cpusampler"}, out, err)[0];
        String report = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, report);
        assertEquals("true\n", out.toString(StandardCharsets.UTF_8), "the report goes to standard error only");
        assertTrue(report.contains("Sampling Histogram"), report);
        // a row for the function: its name, then its source range in the file
        assertTrue(Pattern.compile("(?m)^ hot_loop +\\|\\|.*\\|\\| \\S*hot\\.ppl~1-7:").matcher(report).find(), report);
        assertTrue(Pattern.compile("(?m)^ <program> +\\|\\|").matcher(report).find(), report);

        out.reset();
        err.reset();
        code = codeOutErr(new String[] {"run", p.toString(), "--cpusampler=calltree"}, out, err)[0];
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Sampling Call Tree"), err.toString());

        // before the file, the option takes no value from it: the program runs, profiled with the default format
        out.reset();
        err.reset();
        code = codeOutErr(new String[] {"run", "--cpusampler", p.toString()}, out, err)[0];
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals("true\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Sampling Histogram"), err.toString());
        out.reset();
        err.reset();
        code = codeOutErr(new String[] {"run", "--cpusampler", "json", p.toString()}, out, err)[0];
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("{"), err.toString());

        err.reset();
        code = codeOutErr(new String[] {"run", p.toString(), "--cpusampler=flames"}, out, err)[0];
        assertEquals(Main.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--cpusampler wants histogram, calltree or json, got"
                + " 'flames'"), err.toString());
    }

    @Test
    void chromeDevToolsAttachesAndResumesTheProgram() throws Exception {
        Path p = dir.resolve("debug.ppl");
        Files.writeString(p, "let x = 20\nlet y = x * 2 + 2\nprint(y)\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> codeOutErr(
                new String[] {"run", p.toString(), "--inspect=127.0.0.1:" + port}, out, err)[0]);

        // the inspector says where to attach
        Pattern devtools = Pattern.compile("devtools://devtools/bundled/js_app\\.html\\?ws=(127\\.0\\.0\\.1:" + port
                + "/\\S+)");
        Matcher m;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(m = devtools.matcher(err.toString(StandardCharsets.UTF_8))).find()) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), "no devtools address: " + err);
            Thread.sleep(50);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Debugger listening on ws://127.0.0.1:" + port),
                err.toString());

        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + m.group(1)), new WebSocket.Listener() {
                    private final StringBuilder pending = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        pending.append(data);
                        if (last) {
                            messages.add(pending.toString());
                            pending.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        ws.sendText("{\"id\":1,\"method\":\"Runtime.enable\"}", true).get();
        ws.sendText("{\"id\":2,\"method\":\"Debugger.enable\"}", true).get();
        ws.sendText("{\"id\":3,\"method\":\"Runtime.runIfWaitingForDebugger\"}", true).get();
        String parsed = null;
        String paused = null;
        while (paused == null) {
            String msg = messages.poll(60, TimeUnit.SECONDS);
            assertNotNull(msg, "the debugger heard nothing more; so far: " + parsed);
            if (msg.contains("\"Debugger.scriptParsed\"") && msg.contains("\"url\":\"" + p + "\"")) {
                parsed = msg;
            }
            if (msg.contains("\"Debugger.paused\"")) {
                paused = msg;
            }
        }
        assertNotNull(parsed, "the program's source was not announced to the debugger");
        assertTrue(paused.contains("\"callFrames\":[{"), paused);
        // the first pause is in the program, not in the stdlib's prelude (its frames are skipped unless
        // --inspect-stdlib): the top frame's url is the program's
        int url = paused.indexOf("\"url\":\"");
        assertTrue(url >= 0 && paused.startsWith(p.toString(), url + 7), "the first pause is not in the program: "
                + paused);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "the program waits for the debugger");
        ws.sendText("{\"id\":4,\"method\":\"Debugger.resume\"}", true).get();
        // it may pause at further statements of the program: resume each time
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!run.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the program did not finish after resuming");
            String msg = messages.poll(100, TimeUnit.MILLISECONDS);
            if (msg != null && msg.contains("\"Debugger.paused\"")) {
                ws.sendText("{\"id\":5,\"method\":\"Debugger.resume\"}", true).get();
            }
        }
        assertEquals(0, run.get(60, TimeUnit.SECONDS), err.toString());
        assertEquals("42\n", out.toString(StandardCharsets.UTF_8));
        ws.abort();
    }

    /** A user program whose fit runs the stdlib's elbo, which runs the user's guide and model; then a stdlib fn. */
    private static final String STEPPED = """
            model m() {
              mu ~ normal(0, 1)
            }
            model g() {
              param loc = 0.0
              mu ~ normal(loc, 1)
            }
            let q = fit(elbo(m(), g(), choices {}), steps: 1, samples: 1)
            let w = ones(3)
            let b = leave_one_out_bounds(w)
            print(len(b))
            """;

    /**
     * Steps through {@link #STEPPED} with the Truffle debugger API, as a debugger attached by {@code --inspect} does:
     * from its first statement, step into (or, at the line {@code overLine}, step over) until it ends, at most 5000
     * pauses. Returns every pause as {@code source:line}. {@code internalStdlib} is the option {@code ppl run
     * --inspect} sets unless {@code --inspect-stdlib} is given.
     */
    private static java.util.List<String> pauses(boolean internalStdlib, boolean stepOver) {
        java.util.List<String> pauses = new java.util.ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (org.graalvm.polyglot.Engine engine = org.graalvm.polyglot.Engine.newBuilder("ppl")
                .option("engine.WarnInterpreterOnly", "false")
                .option("ppl.InternalStdlib", Boolean.toString(internalStdlib)).build();
             org.graalvm.polyglot.Context context = org.graalvm.polyglot.Context.newBuilder("ppl").engine(engine)
                     .out(out).build();
             com.oracle.truffle.api.debug.DebuggerSession session = com.oracle.truffle.api.debug.Debugger.find(engine)
                     .startSession(event -> {
                         com.oracle.truffle.api.source.SourceSection at = event.getSourceSection();
                         pauses.add(at.getSource().getName() + ":" + at.getStartLine());
                         if (pauses.size() >= 5000) {
                             event.prepareContinue();
                         } else if (stepOver) {
                             event.prepareStepOver(1);
                         } else {
                             event.prepareStepInto(1);
                         }
                     })) {
            session.suspendNextExecution();
            context.eval(org.graalvm.polyglot.Source.newBuilder("ppl", STEPPED, "user.ppl").buildLiteral());
        }
        assertEquals("3\n", out.toString(StandardCharsets.UTF_8), "the program ran to its end");
        return pauses;
    }

    /**
     * Under {@code --inspect} the stdlib is internal: stepping into the fit (whose objective, the stdlib's elbo, runs the
     * user's guide and model) pauses next in the user's guide, never in {@code stdlib/objectives.ppl}, and stepping
     * into the stdlib fn {@code leave_one_out_bounds} comes back at the user's next line. With
     * {@code --inspect-stdlib} the same step into the fit pauses in the stdlib's elbo.
     */
    @Test
    void steppingIntoTheStdlibLandsInUserCode() {
        String stdlib = org.ppl4j.runtime.PplLanguage.PRELUDE_NAME;
        java.util.List<String> internal = pauses(true, false);
        assertTrue(internal.size() < 5000, "the stepping ended: " + internal.size() + " pauses");
        assertEquals("user.ppl:1", internal.get(0), "the first pause is the program's first statement: " + internal);
        assertTrue(internal.stream().noneMatch(p -> p.startsWith(stdlib)), "paused in the stdlib: " + internal);
        // from the fit (line 8) step into lands in the guide g (lines 5 and 6), run by the stdlib's elbo
        int fitLine = internal.indexOf("user.ppl:8");
        assertTrue(fitLine > 0, internal.toString());
        assertTrue(java.util.List.of("user.ppl:5", "user.ppl:6").contains(internal.get(fitLine + 1)),
                internal.toString());
        // from the call of the stdlib fn (line 10), the next pause is the user's next line
        int call = internal.indexOf("user.ppl:10");
        assertTrue(call > 0, internal.toString());
        assertEquals("user.ppl:11", internal.get(call + 1), internal.toString());

        java.util.List<String> over = pauses(true, true);
        assertEquals(java.util.List.of("user.ppl:1", "user.ppl:4", "user.ppl:8", "user.ppl:9", "user.ppl:10",
                "user.ppl:11"), over);

        // --inspect-stdlib: the stdlib's frames are stepped into
        java.util.List<String> all = pauses(false, false);
        int fit = all.indexOf("user.ppl:8");
        assertTrue(fit >= 0, all.toString());
        assertTrue(all.get(fit + 1).startsWith(stdlib + ":"), "step into the fit: " + all.get(fit + 1));
    }
}
