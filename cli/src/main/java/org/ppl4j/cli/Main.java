package org.ppl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.ppl4j.compiler.passes.EstimatePass;
import org.ppl4j.embed.ErrorFormatter;
import org.ppl4j.embed.SandboxFileSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code ppl} command. Exit codes: 0 success, 1 compile error, 2 runtime error, 3 internal error,
 * 64 bad command line, 66 unreadable input file, 124 time limit ({@code run --timeout}) reached, 130 interrupted
 * ({@code run} stopped by Ctrl-C, SIGINT).
 */
@Command(name = "ppl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ppl4j: probabilistic programs with programmable variational inference.",
        subcommands = {Main.Run.class, Main.Check.class, Main.ReplCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:compile error", "2:runtime error", "3:internal error",
            "64:bad command line", "66:cannot read the input file", "124:ran longer than run --timeout",
            "130:run interrupted by Ctrl-C"},
        footer = {"%nThe launcher also runs the benchmarks: ./ppl bench [--quick] [--only vae,schools,gmm,start]"
            + " (./ppl bench --help; docs/performance.md)."})
public final class Main implements Callable<Integer> {
    public static final int COMPILE_ERROR = 1;
    public static final int RUNTIME_ERROR = 2;
    public static final int INTERNAL_ERROR = 3;
    public static final int USAGE = 64;
    public static final int NO_INPUT = 66;
    public static final int TIMEOUT = 124;
    public static final int INTERRUPTED = 130;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        // memory running out on a background thread (the compiler's) is reported by report() as out of memory;
        // the JVM's own "Exception in thread ..." would only repeat it without a position
        Thread main = Thread.currentThread();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                OOM_SEEN.set(true);
            }
            if (t == main || !(e instanceof OutOfMemoryError)) {
                System.err.println("Exception in thread \"" + t.getName() + "\" " + e);
                e.printStackTrace();
            }
        });
        warmUp();
        int code;
        try {
            code = execute(args, System.out, System.err);
        } catch (OutOfMemoryError | LinkageError e) {
            if (!memoryRanOut(e)) {
                throw e;
            }
            code = outOfMemory(System.err);
        }
        System.exit(code);
    }

    /**
     * Starts, on a second thread, the start-up work that does not depend on the command line: loading and
     * initialising the polyglot engine's implementation and the Truffle runtime, the parser's tables, the
     * builtins and the prelude's names
     * (measured: 0.3 s less of a 2.7-3.4 s cold start, docs/performance.md). The main
     * thread meanwhile parses the command line; on two cores the two overlap. Each step is a class's static
     * initialisation (building a source initialises the engine's implementation), which the JVM runs once
     * whichever thread asks first; a failure here is left for the main
     * thread to meet (and report) where it would have anyway.
     */
    private static void warmUp() {
        if (Boolean.getBoolean("ppl.noWarmUp")) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                com.oracle.truffle.api.Truffle.getRuntime();
                org.graalvm.polyglot.Source.newBuilder("ppl", "", "<warm-up>").buildLiteral();
                java.util.Objects.requireNonNull(org.ppl4j.grammar.PplLexer._ATN);
                java.util.Objects.requireNonNull(org.ppl4j.grammar.PplParser._ATN);
                // the builtins' registry, and the stdlib prelude's parse (its declared names, cached; the
                // parser's DFA cache it fills is shared with the program's parse)
                org.ppl4j.stdlib.StdlibBuiltins.names();
                org.ppl4j.compiler.PplCompiler.preludeNames();
            } catch (OutOfMemoryError e) {
                OOM_SEEN.set(true); // reported by the main thread, which then fails too
            } catch (Throwable ignored) {
                // the main thread does the same work and reports what goes wrong
            }
        }, "ppl4j-warm-up");
        t.setDaemon(true);
        t.start();
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
        // what follows a "--" in ppl run is the program's, unchecked: picocli sees the arguments before it
        int dashes = args.length > 0 && args[0].equals("run") ? java.util.Arrays.asList(args).indexOf("--") : -1;
        List<String> afterDashes = dashes < 0 ? List.of() : List.of(args).subList(dashes + 1, args.length);
        String[] options = dashes < 0 ? args : java.util.Arrays.copyOf(args, dashes);
        CommandLine cl = new CommandLine(new Main());
        Run run = (Run) cl.getSubcommands().get("run").getCommand();
        run.afterDashes = afterDashes;
        run.commandLine = List.of(args);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExitCodeExceptionMapper(e -> USAGE);
        cl.setParameterExceptionHandler((ex, a) -> {
            String unknown = ex instanceof UnknownOption ? ex.getMessage()
                    : ex instanceof CommandLine.UnmatchedArgumentException u && u.isUnknownOption()
                    ? unknownOption(u.getUnmatched().get(0), ex.getCommandLine().getCommandSpec(), java.util.Set.of())
                    : null;
            if (unknown != null) {
                CommandLine.Model.CommandSpec command = ex.getCommandLine().getCommandSpec();
                err.println("ppl: " + unknown);
                err.println("(" + command.qualifiedName() + " --help lists the options" + (command.name().equals("run")
                        ? "; the program's own arguments are the names it reads with arg(\"name\", default), and"
                        + " whatever comes after --: ppl run FILE -- --name VALUE)" : ")"));
                return USAGE;
            }
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
        try {
            return cl.execute(options);
        } catch (OutOfMemoryError | LinkageError e) {
            // one that escapes the command (thrown outside its statements, e.g. while the context closes): no stack
            // trace, the runtime error's exit code
            if (!memoryRanOut(e)) {
                throw e;
            }
            return outOfMemory(err);
        }
    }

    /** Memory kept back for reporting that memory ran out (the heap may still be full of the program's values). */
    private static volatile byte[] reserve = new byte[8 << 20];

    /** Reports memory running out outside any statement; returns the runtime error's exit code. */
    private static int outOfMemory(PrintStream err) {
        reserve = null;
        try {
            err.println(outOfMemoryAt(null, "ppl"));
        } catch (OutOfMemoryError still) {
            err.println("ppl: error: out of memory");
        }
        return RUNTIME_ERROR;
    }

    /** Version of ppl4j and the Truffle runtime in use (the optimising one, or "Interpreted"). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("ppl4j 0.1.0",
                    "Truffle runtime: " + com.oracle.truffle.api.Truffle.getRuntime().getName(),
                    "Large-tensor kernels: " + org.ppl4j.runtime.ad.Tensor.kernels(),
                    "Matrix products: " + org.ppl4j.runtime.ad.Tensor.products(), "Host JIT: " + hostJit()));
            // the ppl launcher says which JVM it started (its own linked image and class-data archive, or the JDK's)
            String start = System.getProperty("ppl.launcher.start");
            if (start != null) {
                lines.add("Java runtime: " + start + " (Java " + System.getProperty("java.version") + ")");
            }
            return lines.toArray(String[]::new);
        }
    }

    /** Which compilers run the runtime's Java code in this JVM, and when ppl run moves a program to C2. */
    static String hostJit() {
        if (org.ppl4j.kernels.FloatKernels.optimisingJit()) {
            return "C1 and C2";
        }
        double limit = org.ppl4j.runtime.ad.HandOver.longFitSeconds();
        return Boolean.getBoolean("ppl.jit.handOver") && limit > 0
                ? String.format(java.util.Locale.ROOT, "C1, which starts fast; ppl run hands a fit with more than %.0f s"
                        + " left to a JVM with C2 (its steps 1.4-2.6x faster once warm), unless the program has"
                        + " printed by then", limit)
                : "C1 only";
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

        /** The arguments after {@code --}: the program's, whatever their names. */
        List<String> afterDashes = List.of();

        /** The whole command line, for a JVM the program may be handed to ({@link HandOverRun}). */
        List<String> commandLine = List.of();

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

        @Option(names = "--draws", paramLabel = "FILE.csv",
                description = "after the program, write 1000 draws of its last fit's guide to FILE in CmdStan's CSV "
                        + "layout (with log_p__ and log_g__)")
        Path draws;

        @Option(names = "--predict", paramLabel = "N",
                description = "after the program, N posterior predictive draws of its last fit: each observed value "
                        + "against its replicates (and predictive.png with --plot)")
        Integer predict;

        @Option(names = "--resume", paramLabel = "DIR",
                description = "continue each fit from its latest checkpoint in DIR (written by fit(..., checkpoint: DIR))")
        Path resume;

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "stop the program after SECONDS seconds, a fraction allowed (exit code 124)")
        Double timeout;

        @Option(names = "--allow-path", paramLabel = "DIR",
                description = "let the program read and write files under DIR too (repeatable); by default it may"
                        + " use the working directory only")
        List<Path> allowPaths = new ArrayList<>();

        @Option(names = "--data", paramLabel = "[NAME=]PATH",
                description = "bind NAME (d when not given) to the columns of PATH before the program runs: a record "
                        + "with one field per column of a CSV file with a header line (as load_csv(PATH, header: true)"
                        + " reads it) or per array of an .npz file; the value --spark gives the same name "
                        + "(docs/spark.md); repeatable with other names. A program that reads arg(\"data\", ...) gets "
                        + "the value as that argument instead")
        List<String> data = new ArrayList<>();

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

        @Option(names = "--inspect-stdlib", description = "with --inspect: pause and step in the stdlib's frames too"
                + " (stdlib/objectives.ppl); by default the debugger starts in the program and steps over them")
        boolean inspectStdlib;

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
                if (!inspectStdlib) {
                    b.option("ppl.InternalStdlib", "true");
                }
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
            long since = HandOverRun.since();
            // a program may be handed over to a JVM with C2 and the own kernels at its first large tensor, if it
            // has done nothing visible by then (HandOver); not when a debugger is to attach to this JVM, nor when
            // the CPU sampler profiles it (its report, printed when this JVM's engine closes, would come twice)
            HandOverRun.Seen seen = inspect == null && cpusampler == null && HandOverRun.allowed(file)
                    ? new HandOverRun.Seen() : null;
            int code;
            try {
                code = seen == null ? run(out, err, System.in, null, since)
                        : run(seen.track(out), seen.track(err, true), seen.track(System.in), seen, since);
            } catch (org.ppl4j.runtime.ad.HandOver.Stop handedOver) {
                code = 0; // reached the caller as it was thrown (not as the program's failure): the same as below
            } finally {
                org.ppl4j.runtime.ad.HandOver.disarm();
            }
            if (seen != null && org.ppl4j.runtime.ad.HandOver.requested()) {
                HandOverRun.note(originalFile());
                return HandOverRun.runAgain(commandLine, since, err);
            }
            return code;
        }

        /** The program's path as the command line spelled it (picocli's {@code Path} may have tidied it). */
        private String originalFile() {
            String given = spec.commandLine().getParseResult().matchedPositional(0).originalStringValues().get(0);
            return given == null ? file.toString() : given;
        }

        private int run(PrintStream out, PrintStream err, java.io.InputStream in, HandOverRun.Seen seen, long since) {
            String overrides = estimatorOverrides(estimators, spec);
            checkLimits(timeout, stepLimit, spec);
            String display = file.toString();
            org.ppl4j.runtime.error.OutOfMemorySite.clear();
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
            java.util.Set<String> declared = PplCompiler.argumentNames(text);
            Map<String, String> given = programArguments(programArgs, declared, spec);
            given.putAll(programArguments(afterDashes, null, spec));
            List<String> dataFiles = data;
            if (!data.isEmpty() && declared.contains("data")) {
                // a program that reads arg("data", ...) itself (examples/vae/vae.ppl) gets --data as that argument
                given.putIfAbsent("data", data.get(data.size() - 1));
                dataFiles = List.of();
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
                given.putIfAbsent("seed", Long.toString(seed)); // arg("seed", ...) sees --seed unless "-- --seed" says otherwise
            }
            StringBuilder arguments = new StringBuilder();
            given.forEach((name, value) -> arguments.append(name).append('=').append(value).append('\n'));
            if (resume != null) {
                Integer refused = Reports.checkResume(resume, display, text, err);
                if (refused != null) {
                    return refused;
                }
            }
            List<DataOption.Binding> bindings = new ArrayList<>();
            for (String d : dataFiles) {
                DataOption.Binding b = DataOption.parse(d);
                if (bindings.stream().anyMatch(o -> o.name().equals(b.name()))) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--data binds '" + b.name()
                            + "' twice; give each file its own name: --data NAME=PATH");
                }
                bindings.add(b);
            }
            boolean progress = !quiet && Run.err == System.err && Reports.stderrIsTerminal();
            Engine engine;
            try {
                engine = tools(Engine.newBuilder("ppl").out(err).err(err)
                        .option(org.ppl4j.runtime.StepLimitInstrument.LIMIT_OPTION,
                                stepLimit == null ? "0" : stepLimit.toString())
                        .option("engine.WarnInterpreterOnly", "false")).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            org.ppl4j.runtime.Stop stop = org.ppl4j.runtime.Stop.create();
            Context context = Context.newBuilder("ppl").engine(engine).out(out).err(err)
                    .option("ppl.Seed", Long.toString(seed)).option("ppl.JSON", Boolean.toString(json))
                    .option("ppl.Estimators", overrides)
                    .option("ppl.Args", arguments.toString())
                    .option("ppl.Quiet", Boolean.toString(quiet)).option("ppl.Progress", Boolean.toString(progress))
                    .option("ppl.Columns", Integer.toString(Reports.columns()))
                    .option("ppl.Resume", resume == null ? "" : resume.toString())
                    .option("ppl.Float64", Boolean.toString(float64))
                    .option("ppl.Stop", stop.token())
                    .in(in).allowIO(seen == null ? sandbox(allowPaths, given(bindings, file, plot, resume))
                            : sandbox(allowPaths, seen::mark, given(bindings, file, plot, resume))).build();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean timedOut = new AtomicBoolean();
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread runner = Thread.currentThread();
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ppl-timeout");
                t.setDaemon(true);
                return t;
            });
            Interrupts ctrlC = Interrupts.install(() -> {
                if (!finished.get() && !timedOut.get() && !interrupted.getAndSet(true)) {
                    // the first Ctrl-C stops like --timeout: the fit reports the step it reached
                    stop.request("interrupted");
                    timer.schedule(() -> cancelUnlessStopped(stop, finished, context, runner, timer, 0),
                            STOP_GRACE_MS, TimeUnit.MILLISECONDS);
                    return true;
                }
                return false; // a second one ends the JVM at once
            });
            if (timeout != null) {
                timer.schedule(() -> {
                    if (!finished.get() && !interrupted.get()) {
                        timedOut.set(true);
                        stop.request("timeout");
                        timer.schedule(() -> cancelUnlessStopped(stop, finished, context, runner, timer, 0),
                                STOP_GRACE_MS, TimeUnit.MILLISECONDS);
                    }
                }, Math.max(1, millis(timeout) - (System.currentTimeMillis() - since)), TimeUnit.MILLISECONDS);
            }
            try {
                if (seen != null) {
                    // not after Ctrl-C or the time limit: the program is to stop, not to start again
                    org.ppl4j.runtime.ad.HandOver.arm(() -> !seen.any() && !interrupted.get() && !timedOut.get());
                }
                try {
                    DataOption.bind(context, bindings);
                } catch (DataOption.Refused e) {
                    finished.set(true);
                    err.println("ppl: " + e.getMessage());
                    return NO_INPUT;
                }
                context.eval(source);
                int code = summary || plot != null ? Reports.afterRun(context, summary, plot, json ? err : out, err) : 0;
                if (code == 0 && (draws != null || predict != null)) {
                    code = Reports.posterior(context, draws, predict, plot, json ? err : out, err);
                }
                finished.set(true);
                return code;
            } catch (PolyglotException | IllegalStateException e) {
                finished.set(true);
                if (seen != null && org.ppl4j.runtime.ad.HandOver.requested()) {
                    return 0; // the program runs again on the other JVM (call)
                }
                if (timedOut.get() || interrupted.get()) {
                    boolean fitStopped = e instanceof PolyglotException pe && !pe.isCancelled() && stop.acknowledged();
                    err.println((timedOut.get() ? "ppl: the program ran longer than " + seconds(timeout)
                            : "ppl: interrupted (Ctrl-C)") + (fitStopped ? "; " + e.getMessage() : ""));
                    if (fitStopped && (summary || plot != null || json)) {
                        Reports.afterError(context, summary, plot, json, out, err);
                    }
                    return timedOut.get() ? TIMEOUT : INTERRUPTED;
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
            } catch (OutOfMemoryError | LinkageError e) {
                if (!memoryRanOut(e)) {
                    throw e;
                }
                finished.set(true);
                err.println(outOfMemoryAt(null, display));
                return RUNTIME_ERROR;
            } finally {
                ctrlC.close();
                timer.shutdownNow();
                stop.close();
                Thread.interrupted(); // a blocked read the timeout interrupted leaves the flag set
                try {
                    context.close();
                    engine.close(); // the CPU sampler prints its report here
                } catch (IllegalStateException | PolyglotException ignored) {
                    // Already closed by the timeout.
                } catch (LinkageError | OutOfMemoryError broken) {
                    // memory ran out inside the engine's own initialisation: the error is reported, the JVM ends
                }
            }
        }
    }

    /**
     * How long after {@code --timeout} the program has to stop on its own: no builtin starts after the limit, and a
     * fit stops after its current step; a fit that has stopped gets {@link #STOP_SUMMARY_MS} more to summarise.
     */
    static final long STOP_GRACE_MS = 500;
    static final long STOP_SUMMARY_MS = 10_000;

    /**
     * Past the grace period: cancels the context (and interrupts a blocked read) unless a fit is finishing its
     * step or summarising what it reached, which get up to {@link #STOP_SUMMARY_MS} more.
     */
    private static void cancelUnlessStopped(org.ppl4j.runtime.Stop stop, AtomicBoolean finished, Context context,
            Thread runner, ScheduledExecutorService timer, long waited) {
        if (finished.get()) {
            return;
        }
        if ((stop.acknowledged() || stop.inFit()) && waited < STOP_SUMMARY_MS) {
            timer.schedule(() -> cancelUnlessStopped(stop, finished, context, runner, timer, waited + STOP_GRACE_MS),
                    STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            return;
        }
        runner.interrupt(); // a read blocked on a pipe (load_csv of a FIFO) ends with an error
        try {
            context.close(true);
        } catch (IllegalStateException | PolyglotException ignored) {
            // It ended meanwhile.
        }
    }

    /** The longest {@code --timeout}: a year, so that its milliseconds fit a long with room to spare. */
    static final double MAX_TIMEOUT_SECONDS = 365 * 24 * 3600;

    /** A timeout in milliseconds, at least 1. */
    static long millis(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds * 1000));
    }

    /** "1 second", "2 seconds", "1.5 seconds". */
    static String seconds(double s) {
        String n = s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
        return n + (s == 1 ? " second" : " seconds");
    }

    /** Refuses a {@code --timeout} or {@code --step-limit} that is not positive. */
    static void checkLimits(Double timeout, Long stepLimit, CommandLine.Model.CommandSpec spec) {
        if (timeout != null && !(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--timeout must be a positive number of seconds (at most " + (long) MAX_TIMEOUT_SECONDS
                            + "), got " + timeout);
        }
        if (stepLimit != null && stepLimit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--step-limit must be a positive number of steps, got " + stepLimit);
        }
    }

    /** The paths named on the command line: {@code paths} (nulls skipped later) and the {@code --data} files. */
    static Path[] given(List<DataOption.Binding> bindings, Path... paths) {
        List<Path> all = new ArrayList<>(java.util.Arrays.asList(paths));
        bindings.forEach(b -> all.add(b.path()));
        return all.toArray(Path[]::new);
    }

    /** The refusal's advice when a program touches a path the command line did not allow. */
    static final String ALLOW_HINT = "allow it with --allow-path DIR";

    /**
     * The files a program run from the command line may touch: the working directory and below, the
     * {@code --allow-path} directories, and the paths given on the command line itself ({@code given}: the
     * program file, {@code --plot}, {@code --resume}; nulls are skipped).
     */
    static org.graalvm.polyglot.io.IOAccess sandbox(List<Path> allowed, Path... given) {
        return sandbox(allowed, null, given);
    }

    /** As {@link #sandbox(List, Path...)}, telling {@code onChange} before each change to a file (may be null). */
    static org.graalvm.polyglot.io.IOAccess sandbox(List<Path> allowed, Runnable onChange, Path... given) {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        roots.addAll(allowed);
        for (Path g : given) {
            if (g != null) {
                roots.add(g);
            }
        }
        return onChange == null ? SandboxFileSystem.ioAccess(roots, ALLOW_HINT)
                : SandboxFileSystem.ioAccess(roots, ALLOW_HINT, onChange);
    }

    /**
     * Program arguments, {@code --name VALUE} or {@code --name=VALUE}, by name. Among the options {@code ppl run}
     * does not know, the names the program reads with {@code arg("name", ...)} ({@code declared}) are its arguments
     * and any other is a mistake, refused with the closest option or argument name; after {@code --}
     * ({@code declared} null) every name is the program's.
     */
    static Map<String, String> programArguments(List<String> args, java.util.Set<String> declared,
            CommandLine.Model.CommandSpec spec) {
        Map<String, String> given = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unexpected argument '" + a
                        + "': program arguments are written --name value");
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
            if (declared != null && !declared.contains(name)) {
                throw new UnknownOption(spec, unknownOption(a, spec, declared));
            }
            String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.size()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "the program argument '" + a
                            + "' needs a value: " + a + " VALUE");
                }
                value = args.get(++i);
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || value.contains("\n")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + a + "' is not a program argument"
                        + " (--name value, with a name made of letters, digits and _)");
            }
            given.put(name, value);
        }
        return given;
    }

    /** An option neither the command nor the program knows: reported in one line with the closest name. */
    static final class UnknownOption extends CommandLine.ParameterException {
        private static final long serialVersionUID = 1L;

        UnknownOption(CommandLine.Model.CommandSpec spec, String message) {
            super(spec.commandLine(), message);
        }
    }

    /**
     * "unknown option '--seeed'; did you mean --seed?": the closest of the command's options and of the program's
     * arguments ({@code arguments}, names without dashes).
     */
    static String unknownOption(String option, CommandLine.Model.CommandSpec spec, java.util.Set<String> arguments) {
        int eq = option.indexOf('=');
        String name = eq > 0 ? option.substring(0, eq) : option;
        List<String> known = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            known.addAll(List.of(o.names()));
        }
        arguments.forEach(a -> known.add("--" + a));
        String closest = org.ppl4j.compiler.passes.Suggestions.closest(name, known);
        return "unknown option '" + name + "'" + (closest == null ? "" : "; did you mean " + closest + "?");
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
        if ((e.isInternalError() || e.isHostException()) && outOfMemory(e)) {
            err.println(outOfMemoryAt(e.getSourceLocation(), file));
            return RUNTIME_ERROR;
        }
        if (e.isInternalError() && String.valueOf(e.getMessage()).contains("Compiler initialization failed")) {
            err.println(file + ": internal error: the optimising compiler (Graal, through JVMCI) could not start: "
                    + e.getMessage() + " (not memory: the JVM's heap is not full); check the JVM flags of "
                    + "cli/target/ppl4j-jvm.options (docs/embedding.md#speed), or run with --stacktrace for where");
            if (stacktrace) {
                e.printStackTrace(err);
            }
            return INTERNAL_ERROR;
        }
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

    /** What memory running out outside a statement (in the engine, the compiler) is reported as. */
    static final java.util.function.Supplier<String> OUT_OF_MEMORY = () -> "out of memory: the program needs more "
            + "than the " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB the JVM may use; keep fewer values alive, "
            + "or set more with PPL_JAVA_OPTS=-Xmx...";

    /**
     * Memory running out, at the user's statement that was running when it did (noted by the runtime without
     * allocating, read here once the program's values are gone), else where the engine says, else unplaced.
     */
    static String outOfMemoryAt(org.graalvm.polyglot.SourceSection engineSays, String display) {
        return outOfMemoryAt(engineSays, display, OUT_OF_MEMORY.get());
    }

    static String outOfMemoryAt(org.graalvm.polyglot.SourceSection engineSays, String display, String message) {
        com.oracle.truffle.api.source.SourceSection s = org.ppl4j.runtime.error.OutOfMemorySite.noted();
        if (s == null) {
            return ErrorFormatter.format(engineSays, display, message);
        }
        return ErrorFormatter.format(s.getSource().getName(), s.getSource().getCharacters().toString(),
                s.getCharIndex(), s.getCharLength(), message);
    }

    /**
     * Whether an internal error is memory running out: an {@code OutOfMemoryError}, or the optimising compiler
     * failing to start because one struck its thread first. "Compiler initialization failed" alone is not one:
     * Truffle says it for any failure to start the Graal compiler (a JVMCI or class-path problem among them), so it
     * counts only when an {@code OutOfMemoryError} was seen on another thread or the heap is nearly full.
     */
    static boolean outOfMemory(PolyglotException e) {
        Runtime rt = Runtime.getRuntime();
        // the compiler failing to start because the heap ran out while it loaded its classes carries the error
        boolean causedByOom = false;
        for (Throwable c = e.getCause(); c != null && !causedByOom; c = c.getCause() == c ? null : c.getCause()) {
            causedByOom = c instanceof OutOfMemoryError;
        }
        if (!causedByOom && String.valueOf(e.getMessage()).contains("Compiler initialization failed")) {
            // an internal error's own cause is not reachable through the API, but its printed trace names it
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            causedByOom = trace.toString().contains("Caused by: java.lang.OutOfMemoryError");
        }
        return outOfMemory(String.valueOf(e.getMessage()),
                causedByOom || e.isHostException() && e.asHostException() instanceof OutOfMemoryError, OOM_SEEN.get(),
                rt.totalMemory() - rt.freeMemory(), rt.maxMemory());
    }

    static boolean outOfMemory(String message, boolean hostOom, boolean oomSeen, long heapUsed, long heapMax) {
        if (message.contains("OutOfMemoryError") || hostOom) {
            return true;
        }
        return message.contains("Compiler initialization failed") && (oomSeen || heapUsed > heapMax / 10 * 9);
    }

    /**
     * Whether {@code e} is memory running out: an {@code OutOfMemoryError} among its causes, or a class whose
     * initialisation it broke. The JVM keeps only the text of that error ("Exception java.lang.OutOfMemoryError:
     * GC overhead limit exceeded [in thread "main"]"), and every later use of the class is a
     * {@code NoClassDefFoundError} ("Could not initialize class ...") caused by it: seen when the heap ran out as
     * the engine first built an error's stack trace.
     */
    static boolean memoryRanOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError || c instanceof ExceptionInInitializerError
                    && String.valueOf(c.getMessage()).contains("java.lang.OutOfMemoryError")) {
                return true;
            }
        }
        return false;
    }

    /** Set when an {@code OutOfMemoryError} ended a thread other than the main one (the compiler's). */
    static final java.util.concurrent.atomic.AtomicBoolean OOM_SEEN = new java.util.concurrent.atomic.AtomicBoolean();

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
                    for (EstimatePass.Note n : a.estimates().notes()) {
                        out.println(file + ":" + n.sample().span().line() + ":" + n.sample().span().column()
                                + ": note: " + n.message());
                    }
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
                description = "stop an input that runs longer than SECONDS seconds (a fraction allowed); the "
                        + "session goes on")
        Double timeout;

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
