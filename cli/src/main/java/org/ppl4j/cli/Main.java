package org.ppl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.PplCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code ppl} command. Exit codes: 0 success, 1 compile error, 2 runtime error, 3 internal error,
 * 64 bad command line, 66 unreadable input file, 124 time limit ({@code run --timeout}) reached.
 */
@Command(name = "ppl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ppl4j: probabilistic programs with programmable variational inference.",
        subcommands = {Main.Run.class, Main.Check.class, Main.ReplCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:compile error", "2:runtime error", "3:internal error",
            "64:bad command line", "66:cannot read the input file", "124:ran longer than run --timeout"},
        footer = {"%nThe launcher also runs the benchmarks: ./ppl bench [--quick] [--only vae,schools,gmm,start]"
            + " (./ppl bench --help; docs/performance.md)."})
public final class Main implements Callable<Integer> {
    public static final int COMPILE_ERROR = 1;
    public static final int RUNTIME_ERROR = 2;
    public static final int INTERNAL_ERROR = 3;
    public static final int USAGE = 64;
    public static final int NO_INPUT = 66;
    public static final int TIMEOUT = 124;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command line with the given streams (standard input for the REPL); returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, System.in, out, err);
    }

    /**
     * Runs the command line with the given streams; returns the exit code. The REPL uses the system terminal
     * when the streams are the process's own, otherwise a dumb terminal on {@code in} and {@code out}.
     */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExitCodeExceptionMapper(e -> USAGE);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("ppl: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("ppl: internal error: " + ex);
            if (java.util.Arrays.asList(args).contains("--stacktrace")) {
                ex.printStackTrace(err);
            } else {
                err.println("(run with --stacktrace to see where)");
            }
            return INTERNAL_ERROR;
        });
        Run.streams(out, err);
        Check.streams(out, err);
        ReplCommand.streams(in, out, err);
        return cl.execute(args);
    }

    /** Version of ppl4j and the Truffle runtime in use (the optimising one, or "Interpreted"). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ppl4j 0.1.0", "Truffle runtime: " + com.oracle.truffle.api.Truffle.getRuntime().getName(),
                "Large-tensor kernels: " + org.ppl4j.runtime.ad.Tensor.kernels()};
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a .ppl program.")
    static final class Run implements Callable<Integer> {
        private static PrintStream out = System.out;
        private static PrintStream err = System.err;

        @Parameters(index = "0", paramLabel = "FILE", description = "the program")
        Path file;

        @Option(names = "--seed", description = "seed for sampling and for fits without a seed (default 0)")
        long seed;

        @Option(names = "--json", description = "print the last fit as one JSON object; print() goes to stderr")
        boolean json;

        @Option(names = "--stacktrace", description = "show Java stack traces of errors")
        boolean stacktrace;

        @Option(names = "--estimator", paramLabel = "ADDR=STRATEGY",
                description = "use STRATEGY for the random choices at ADDR in every fit, overriding the "
                        + "program (repeatable; flip[*] matches every index): --estimator p=reinforce")
        List<String> estimators = new ArrayList<>();

        @CommandLine.Unmatched
        List<String> programArgs = new ArrayList<>();

        @Option(names = "--quiet", description = "no progress bar while fitting (it is drawn only when standard "
                + "error is a terminal)")
        boolean quiet;

        @Option(names = "--float64", description = "large tensors (10,000 elements and more, computed in ND4J) in "
                + "float64 rather than float32: twice the memory, slower, for models that need the precision")
        boolean float64;

        @Option(names = "--summary", description = "after the program, print a summary table of its last fit")
        boolean summary;

        @Option(names = "--plot", paramLabel = "DIR",
                description = "after the program, write PNG plots of its last fit into DIR")
        Path plot;

        @Option(names = "--resume", paramLabel = "DIR",
                description = "continue each fit from its latest checkpoint in DIR (written by fit(..., checkpoint: DIR))")
        Path resume;

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "stop the program after SECONDS seconds (exit code 124)")
        Long timeout;

        @Option(names = "--allow-path", paramLabel = "DIR",
                description = "let the program read and write files under DIR too (repeatable); by default it may"
                        + " use the working directory only")
        List<Path> allowPaths = new ArrayList<>();

        @Option(names = "--step-limit", paramLabel = "N",
                description = "stop the program after N steps (statements executed and loop iterations): a runtime"
                        + " error at the statement, exit code 2")
        Long stepLimit;

        @Option(names = "--cpusampler", paramLabel = "FORMAT", arity = "0..1", fallbackValue = "histogram",
                parameterConsumer = SamplerFormat.class,
                description = "profile the program with Truffle's CPU sampler; after it ends, print where the time "
                        + "went (per ppl function and line) on standard error as FORMAT: histogram (the default), "
                        + "calltree or json")
        String cpusampler;

        @Option(names = "--inspect", paramLabel = "[HOST:]PORT", arity = "0..1", fallbackValue = "127.0.0.1:9229",
                description = "debug the program in Chrome DevTools: it waits at its first statement until a debugger"
                        + " attaches at the devtools:// address printed on standard error (default 127.0.0.1:9229)")
        String inspect;

        /**
         * The optional value of {@code --cpusampler}: the next argument unless it is an option or the program
         * ({@code ppl run --cpusampler FILE} profiles FILE with the default format, as {@code ppl run FILE
         * --cpusampler} does). A value that is neither a format nor the program is kept, to be refused with the
         * formats there are.
         */
        static final class SamplerFormat implements CommandLine.IParameterConsumer {
            @Override
            public void consumeParameters(java.util.Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                    CommandLine.Model.CommandSpec commandSpec) {
                String next = args.isEmpty() ? null : args.peek();
                boolean program = next != null && (next.endsWith(".ppl") || java.nio.file.Files.isRegularFile(
                        java.nio.file.Path.of(next.isEmpty() ? "." : next)));
                argSpec.setValue(next == null || next.startsWith("-") || program ? "histogram" : args.pop());
            }
        }

        /** The Truffle tools the options ask for, as engine options. */
        Engine.Builder tools(Engine.Builder b) {
            if (cpusampler != null) {
                if (!List.of("histogram", "calltree", "json").contains(cpusampler)) {
                    throw new IllegalArgumentException("--cpusampler wants histogram, calltree or json, got '"
                            + cpusampler + "'");
                }
                b.option("cpusampler", "true").option("cpusampler.Output", cpusampler);
            }
            if (inspect != null) {
                b.option("inspect", inspect);
            }
            return b;
        }

        @Spec
        CommandLine.Model.CommandSpec spec;

        static void streams(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }

        @Override
        public Integer call() {
            String overrides = estimatorOverrides(estimators, spec);
            String arguments = programArguments(programArgs, spec);
            checkLimits(timeout, stepLimit, spec);
            String display = file.toString();
            Source source;
            String text;
            try {
                text = ProgramText.read(file);
                source = Source.newBuilder("ppl", text, display).build();
            } catch (ProgramText.NotUtf8 e) {
                err.println(e.format(display));
                return COMPILE_ERROR;
            } catch (IOException e) {
                err.println("ppl: cannot read " + display + ": " + describe(e));
                return NO_INPUT;
            }
            if (resume != null) {
                Integer refused = Reports.checkResume(resume, display, text, err);
                if (refused != null) {
                    return refused;
                }
            }
            boolean progress = !quiet && err == System.err && Reports.stderrIsTerminal();
            Engine engine;
            try {
                engine = tools(Engine.newBuilder("ppl").out(err).err(err)
                        .option(org.ppl4j.runtime.StepLimitInstrument.LIMIT_OPTION,
                                stepLimit == null ? "0" : stepLimit.toString())
                        .option("engine.WarnInterpreterOnly", "false")).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Context context = Context.newBuilder("ppl").engine(engine).out(out).err(err)
                    .option("ppl.Seed", Long.toString(seed)).option("ppl.JSON", Boolean.toString(json))
                    .option("ppl.Estimators", overrides)
                    .option("ppl.Args", arguments)
                    .option("ppl.Quiet", Boolean.toString(quiet)).option("ppl.Progress", Boolean.toString(progress))
                    .option("ppl.Columns", Integer.toString(Reports.columns()))
                    .option("ppl.Resume", resume == null ? "" : resume.toString())
                    .option("ppl.Float64", Boolean.toString(float64))
                    .allowIO(sandbox(allowPaths, file, plot, resume)).build();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledExecutorService timer = timeout == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ppl-timeout");
                t.setDaemon(true);
                return t;
            });
            if (timer != null) {
                timer.schedule(() -> {
                    if (!finished.get()) {
                        timedOut.set(true);
                        context.close(true);
                    }
                }, timeout, TimeUnit.SECONDS);
            }
            try {
                context.eval(source);
                int code = summary || plot != null ? Reports.afterRun(context, summary, plot, json ? err : out, err) : 0;
                finished.set(true);
                return code;
            } catch (PolyglotException | IllegalStateException e) {
                finished.set(true);
                if (timedOut.get()) {
                    err.println("ppl: the program ran longer than " + timeout + (timeout == 1 ? " second" : " seconds"));
                    return TIMEOUT;
                }
                if (e instanceof PolyglotException pe) {
                    int code = report(pe, display, err, stacktrace);
                    if (code == RUNTIME_ERROR && !pe.isCancelled() && (summary || plot != null || json)) {
                        // what the last fit left (a diverged fit: its last good step) is still worth showing
                        Reports.afterError(context, summary, plot, json, out, err);
                    }
                    return code;
                }
                throw e;
            } finally {
                if (timer != null) {
                    timer.shutdownNow();
                }
                try {
                    context.close();
                } catch (IllegalStateException | PolyglotException ignored) {
                    // Already closed by the timeout.
                }
                engine.close(); // the CPU sampler prints its report here
            }
        }
    }

    /** Refuses a {@code --timeout} or {@code --step-limit} that is not positive. */
    static void checkLimits(Long timeout, Long stepLimit, CommandLine.Model.CommandSpec spec) {
        if (timeout != null && timeout <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--timeout must be a positive number of seconds, got " + timeout);
        }
        if (stepLimit != null && stepLimit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--step-limit must be a positive number of steps, got " + stepLimit);
        }
    }

    /** The refusal's advice when a program touches a path the command line did not allow. */
    static final String ALLOW_HINT = "allow it with --allow-path DIR";

    /**
     * The files a program run from the command line may touch: the working directory and below, the
     * {@code --allow-path} directories, and the paths given on the command line itself ({@code given}: the
     * program file, {@code --plot}, {@code --resume}; nulls are skipped).
     */
    static org.graalvm.polyglot.io.IOAccess sandbox(List<Path> allowed, Path... given) {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        roots.addAll(allowed);
        for (Path g : given) {
            if (g != null) {
                roots.add(g);
            }
        }
        return SandboxFileSystem.ioAccess(roots, ALLOW_HINT);
    }

    /**
     * Options after the file that ppl itself does not know, {@code --name value} or {@code --name=value}, are the
     * program's arguments, read with {@code arg("name", default)}: {@code ./ppl run m.ppl --objective iwae --k 10}.
     */
    static String programArguments(List<String> unmatched, CommandLine.Model.CommandSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < unmatched.size(); i++) {
            String a = unmatched.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unexpected argument '" + a
                        + "': program arguments are written --name value");
            }
            String name;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= unmatched.size()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "unknown option '" + a
                            + "' (a program argument needs a value: " + a + " VALUE)");
                }
                name = a.substring(2);
                value = unmatched.get(++i);
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || value.contains("\n")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + a + "' is not a program argument"
                        + " (--name value, with a name made of letters, digits and _)");
            }
            sb.append(name).append('=').append(value).append('\n');
        }
        return sb.toString();
    }

    /** {@code --estimator} values joined as the language option ppl.Estimators wants them: {@code a=b;c=d}. */
    static String estimatorOverrides(List<String> estimators, CommandLine.Model.CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        for (String e : estimators) {
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1 || e.indexOf(';') >= 0 || e.indexOf('=', eq + 1) >= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--estimator wants ADDRESS=STRATEGY, as in --estimator p=reinforce; got '" + e + "'");
            }
            parts.add(e.substring(0, eq).strip() + "=" + e.substring(eq + 1).strip());
        }
        return String.join(";", parts);
    }

    static int report(PolyglotException e, String file, PrintStream err, boolean stacktrace) {
        if (e.isInternalError() || e.isHostException()) {
            err.println(file + ": internal error: " + e.getMessage());
            if (stacktrace) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --stacktrace to see where)");
            }
            return INTERNAL_ERROR;
        }
        if (e.isExit()) {
            return e.getExitStatus();
        }
        err.println(ErrorFormatter.format(e.getSourceLocation(), file, e.getMessage()));
        if (stacktrace) {
            e.printStackTrace(err);
        }
        return e.isSyntaxError() ? COMPILE_ERROR : RUNTIME_ERROR;
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "it is not valid UTF-8 text";
        }
        return e.getMessage();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Parse, resolve and check a program without running it.")
    static final class Check implements Callable<Integer> {
        private static PrintStream out = System.out;
        private static PrintStream err = System.err;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        static final List<String> DUMPS = List.of("ast", "resolve", "estimate");

        @Option(names = "--dump", paramLabel = "PASS",
                description = "print the output of a pass: ast (the syntax tree), resolve (what each name refers to)"
                        + " or estimate (the gradient strategy of each random choice)")
        String dump;

        static void streams(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }

        @Override
        public Integer call() {
            if (dump != null && !DUMPS.contains(dump)) {
                err.println("ppl: unknown pass '" + dump + "'; the passes that can be dumped are: "
                        + String.join(", ", DUMPS));
                return USAGE;
            }
            String text;
            try {
                text = ProgramText.read(file);
            } catch (ProgramText.NotUtf8 e) {
                err.println(e.format(file.toString()));
                return COMPILE_ERROR;
            } catch (IOException e) {
                err.println("ppl: cannot read " + file + ": " + describe(e));
                return NO_INPUT;
            }
            try {
                PplCompiler.Analysis a = PplCompiler.check(text, file.toString());
                if (dump == null) {
                    out.println(file + ": ok");
                } else if (dump.equals("estimate")) {
                    out.print(a.estimates().dump());
                } else if (dump.equals("ast")) {
                    out.print(AstPrinter.print(a.program()));
                } else {
                    out.print(ResolutionPrinter.print(a.program(), a.resolution()));
                }
                return 0;
            } catch (CompileError e) {
                String[] lines = text.split("\n", -1);
                int line = e.span().line();
                err.println(ErrorFormatter.format(file.toString(), line, e.span().column(), Math.max(1, e.span().length()),
                        line <= lines.length ? lines[line - 1] : null, e.getMessage()));
                return COMPILE_ERROR;
            }
        }
    }

    @Command(name = "repl", mixinStandardHelpOptions = true,
            description = {"An interactive session: definitions persist, an expression's value is shown.",
                "Commands inside: :help, :load FILE, :reset, :params, :dump estimate [NAME], :quit."})
    static final class ReplCommand implements Callable<Integer> {
        private static InputStream in = System.in;
        private static PrintStream out = System.out;
        private static PrintStream err = System.err;

        @Option(names = "--history", paramLabel = "FILE",
                description = "where the input history is kept (default: $PPL_HISTORY, else ~/" + Repl.HISTORY_FILE
                        + ")")
        Path history;

        @Option(names = "--no-history", description = "keep no history file")
        boolean noHistory;

        @Option(names = "--seed", description = "seed for sampling and for fits without a seed (default 0)")
        long seed;

        @Option(names = "--quiet", description = "no progress bar while fitting")
        boolean quiet;

        @Option(names = "--float64", description = "large tensors (10,000 elements and more) in float64 rather than "
                + "float32")
        boolean float64;

        @Option(names = "--allow-path", paramLabel = "DIR",
                description = "let programs read and write files under DIR too (repeatable); by default they may"
                        + " use the working directory only")
        List<Path> allowPaths = new ArrayList<>();

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "stop an input that runs longer than SECONDS seconds; the session goes on")
        Long timeout;

        @Option(names = "--step-limit", paramLabel = "N",
                description = "stop an input after N steps (statements executed and loop iterations); the session"
                        + " goes on")
        Long stepLimit;

        @Spec
        CommandLine.Model.CommandSpec spec;

        static void streams(InputStream i, PrintStream o, PrintStream e) {
            in = i;
            out = o;
            err = e;
        }

        @Override
        public Integer call() throws IOException {
            checkLimits(timeout, stepLimit, spec);
            if (float64) {
                org.ppl4j.runtime.ad.Tensor.setLargeFloat64(true); // the JVM's setting, as ppl.Float64 sets it
            }
            Path file = noHistory ? null : history != null ? history
                    : System.getenv("PPL_HISTORY") != null && !System.getenv("PPL_HISTORY").isEmpty()
                            ? Path.of(System.getenv("PPL_HISTORY"))
                            : Path.of(System.getProperty("user.home"), Repl.HISTORY_FILE);
            boolean interactive = in == System.in && out == System.out && System.console() != null;
            try (org.jline.terminal.Terminal terminal = interactive
                    ? org.jline.terminal.TerminalBuilder.builder().name("ppl").system(true).dumb(true).build()
                    : Repl.streamTerminal(in, out)) {
                return new Repl(terminal, file, seed, interactive && !quiet,
                        new Repl.Limits(allowPaths, timeout, stepLimit)).run();
            }
        }
    }
}
