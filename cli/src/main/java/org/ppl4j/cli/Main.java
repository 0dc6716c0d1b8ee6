package org.ppl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.PplCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code ppl} command. Exit codes: 0 success, 1 compile error, 2 runtime error, 3 internal error,
 * 64 bad command line, 66 unreadable input file.
 */
@Command(name = "ppl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ppl4j: probabilistic programs with programmable variational inference.",
        subcommands = {Main.Run.class, Main.Check.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:compile error", "2:runtime error", "3:internal error",
            "64:bad command line", "66:cannot read the input file"})
public final class Main implements Callable<Integer> {
    public static final int COMPILE_ERROR = 1;
    public static final int RUNTIME_ERROR = 2;
    public static final int INTERNAL_ERROR = 3;
    public static final int USAGE = 64;
    public static final int NO_INPUT = 66;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
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
        return cl.execute(args);
    }

    /** Version of ppl4j and the Truffle runtime in use (the optimising one, or "Interpreted"). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ppl4j 0.1.0", "Truffle runtime: " + com.oracle.truffle.api.Truffle.getRuntime().getName()};
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

        static void streams(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }

        @Override
        public Integer call() {
            String display = file.toString();
            Source source;
            try {
                source = Source.newBuilder("ppl", Files.readString(file), display).build();
            } catch (IOException e) {
                err.println("ppl: cannot read " + display + ": " + describe(e));
                return NO_INPUT;
            }
            try (Context context = Context.newBuilder("ppl").out(out).err(err)
                    .option("ppl.Seed", Long.toString(seed)).option("ppl.JSON", Boolean.toString(json))
                    .option("engine.WarnInterpreterOnly", "false").build()) {
                context.eval(source);
                return 0;
            } catch (PolyglotException e) {
                return report(e, display, err, stacktrace);
            }
        }
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
        return e.getMessage();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Parse, resolve and check a program without running it.")
    static final class Check implements Callable<Integer> {
        private static PrintStream out = System.out;
        private static PrintStream err = System.err;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--dump", paramLabel = "PASS", description = "print the output of a pass: estimate")
        String dump;

        static void streams(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }

        @Override
        public Integer call() {
            String text;
            try {
                text = Files.readString(file);
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
                } else {
                    err.println("ppl: unknown pass '" + dump + "'; the passes that can be dumped are: estimate");
                    return USAGE;
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
}
