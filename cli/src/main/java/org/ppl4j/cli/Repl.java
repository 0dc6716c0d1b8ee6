package org.ppl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.FileNameCompleter;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.ppl4j.compiler.CompileError;
import org.ppl4j.compiler.PplCompiler;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.passes.ParsePass;
import org.ppl4j.embed.ErrorFormatter;
import org.ppl4j.estimators.Strategies;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.StepLimitInstrument;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.Printer;
import org.ppl4j.stdlib.StdlibBuiltins;
import org.ppl4j.stdlib.dist.Distributions;

/**
 * {@code ppl repl}: reads ppl4j input a complete piece at a time and evaluates each piece as one source in
 * the same polyglot context, so definitions persist from one input to the next.
 *
 * <p>An input whose last top-level statement is an expression shows that expression's value. The REPL
 * rewrites that statement {@code e} to {@code let <hidden> = e}, reads the hidden global from the context
 * after evaluation and removes it again. Printing through the guest value keeps the language's own
 * formatting ({@link Printer}) for every kind of value, tensors included, and errors inside {@code e} are
 * shown at their column in the text the user typed.
 */
public final class Repl {
    /** The default history file, in the user's home folder. */
    public static final String HISTORY_FILE = ".ppl_history";
    /** A top-level name no user input can clash with in practice; removed after each input. */
    static final String RESULT = "__repl_result__";
    static final String PROMPT = "ppl> ";
    static final String CONTINUATION = "...> ";
    static final String INPUT_NAME = "<repl>";
    /** Inputs handled so far (commands included): errors name input N as {@code <repl:N>}. */
    private int inputs;
    /** Fires {@code --timeout}: interrupts the input that runs too long. */
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ppl-repl-timeout");
                t.setDaemon(true);
                return t;
            });

    static final List<String> KEYWORDS = List.of("by", "choices", "else", "false", "fn", "for", "if", "in", "let", "local",
            "model", "objective", "param", "return", "track", "true");
    static final List<String> COMMANDS = List.of(":help", ":load", ":reset", ":params", ":dump", ":quit");

    private final Terminal terminal;
    private final PrintWriter console;
    private final LineReader reader;
    private final long seed;
    private final boolean progress;
    private final Limits limits;
    private Context context;
    /** For {@code :dump}: the text of the input that last declared each model, objective or fn. */
    private final Map<String, String> declarations = new LinkedHashMap<>();

    /**
     * A REPL on {@code terminal}, with input history kept in {@code history} (null: none) and {@code seed} for
     * top-level sampling and fits without a seed.
     */
    public Repl(Terminal terminal, Path history, long seed) {
        this(terminal, history, seed, false);
    }

    /** As {@link #Repl(Terminal, Path, long)}; with {@code progress}, fits draw a progress bar on the terminal. */
    public Repl(Terminal terminal, Path history, long seed, boolean progress) {
        this(terminal, history, seed, progress, Limits.none());
    }

    /**
     * What inputs may do: use files in the working directory and in {@code allowPaths} ({@code --allow-path}),
     * run for at most {@code timeoutSeconds} and {@code stepLimit} steps each ({@code --timeout},
     * {@code --step-limit}; null: no limit). An input that goes over a limit is stopped; the session goes on.
     */
    public record Limits(List<Path> allowPaths, Double timeoutSeconds, Long stepLimit) {
        public Limits {
            allowPaths = List.copyOf(allowPaths);
        }

        /** The working directory only, no time or step limit. */
        public static Limits none() {
            return new Limits(List.of(), null, null);
        }
    }

    /** As {@link #Repl(Terminal, Path, long, boolean)}, with {@code limits} on what each input may do. */
    public Repl(Terminal terminal, Path history, long seed, boolean progress, Limits limits) {
        this.terminal = terminal;
        this.limits = limits;
        this.console = terminal.writer();
        this.seed = seed;
        this.progress = progress;
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("ppl")
                .parser(new InputParser()).completer(new NameCompleter(this::names, this::declared))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .variable(LineReader.INDENTATION, Terminal.TYPE_DUMB.equals(terminal.getType()) ? 0 : 2)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.INSERT_TAB, true);
        if (history != null) {
            b.variable(LineReader.HISTORY_FILE, history);
        }
        this.reader = b.build();
        this.context = newContext();
    }

    /**
     * A dumb terminal on plain streams, for input that is not a terminal (a script piped in, a test): it does
     * not echo the input itself, so the output reads like a session on screen, each input after its prompt.
     * (JLine's {@code TerminalBuilder.streams(...)} may put a pseudo-terminal in between, which drops the
     * lines still queued when the input ends.)
     */
    public static Terminal streamTerminal(InputStream in, OutputStream out) throws IOException {
        // Paused until echo is off, or the input pump may echo what it has already read.
        Terminal t = new ExternalTerminal(null, "ppl", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8,
                Terminal.SignalHandler.SIG_DFL, true);
        Attributes a = t.getAttributes();
        a.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        t.setAttributes(a);
        t.resume();
        return t;
    }

    /**
     * Reads and evaluates until {@code :quit} or the end of input; returns the exit code: 0, or 2 when memory ran
     * out and ended the session.
     */
    public int run() {
        console.println("ppl4j 0.1.0 - :help for help, :quit or Ctrl-D to leave");
        console.flush();
        try {
            while (true) {
                String input;
                try {
                    input = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                try {
                    if (!handle(input)) {
                        break;
                    }
                } catch (RuntimeException e) {
                    say("ppl: internal error: " + e);
                } catch (OutOfMemoryError e) {
                    outOfMemory(null, null, null, null, -1, 0); // struck outside the evaluation's own handling
                }
                if (ended != 0) {
                    break;
                }
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                console.println("ppl: cannot save the history: " + e.getMessage());
            }
            console.flush();
            try {
                context.close(true);
            } catch (IllegalStateException | org.graalvm.polyglot.PolyglotException alreadyGone) {
                // closed when memory ran out
            }
        }
        return ended;
    }

    /** Handles one complete input; false when the user asked to leave. */
    boolean handle(String input) {
        String trimmed = input.strip();
        if (trimmed.isEmpty()) {
            return true;
        }
        inputs++;
        if (trimmed.startsWith(":")) {
            return command(trimmed);
        }
        evaluate(input, inputName(inputs), true);
        return true;
    }

    /** The name of the n-th input in messages: {@code <repl:3>}. */
    static String inputName(int n) {
        return INPUT_NAME.substring(0, INPUT_NAME.length() - 1) + ":" + n + ">";
    }

    // ---------------------------------------------------------------- commands

    private boolean command(String line) {
        String[] words = line.split("\\s+");
        String arg = words.length > 1 ? line.substring(words[0].length()).strip() : null;
        switch (words[0]) {
            case ":quit", ":q", ":exit" -> {
                return false;
            }
            case ":help", ":h", ":?" -> help();
            case ":load" -> {
                if (arg == null) {
                    say(":load needs a file: :load examples/coin.ppl");
                } else {
                    load(arg);
                }
            }
            case ":reset" -> {
                context.close(true);
                context = newContext();
                declarations.clear();
                say("a new session: every definition is gone");
            }
            case ":params" -> params();
            case ":dump" -> dump(words);
            default -> say("unknown command " + words[0] + "; :help lists the commands");
        }
        return true;
    }

    private void help() {
        say("""
                Type ppl4j statements and expressions; an expression's value is shown. Definitions (let, fn, model,
                objective) stay for the rest of the session. Input continues on the next line while brackets are
                open or the statement is unfinished. Tab completes names. Ctrl-C abandons an unfinished input or
                stops a running one. After a fit, summary() prints its summary table and plot(q, "dir") writes its
                plots; on a terminal a fit draws a progress bar (ppl repl --quiet: none).

                  :help                 this text
                  :load FILE            run a .ppl file in this session
                  :reset                forget every definition (a new context)
                  :params               the global parameters: initial values, or the last fit's
                  :dump estimate [NAME] the gradient strategy of each random choice of a model or objective
                  :dump ast NAME        the syntax tree of a declaration
                  :quit                 leave (also Ctrl-D)""");
    }

    private void load(String file) {
        String text;
        try {
            text = ProgramText.read(Path.of(file));
        } catch (ProgramText.NotUtf8 e) {
            say(e.format(file));
            return;
        } catch (IOException e) {
            say("ppl: cannot read " + file + ": " + Main.describe(e));
            return;
        }
        evaluate(text, file, false);
    }

    private void params() {
        Map<String, String> shown = new LinkedHashMap<>();
        withContext(() -> {
            PplContext.get(null).params().values().forEach((k, v) -> shown.put(k.toString(), Printer.show(v)));
            return null;
        });
        if (shown.isEmpty()) {
            say("no parameters yet: a model's params appear when it runs, and a fit sets them");
        }
        shown.forEach((k, v) -> say(k + " = " + v));
    }

    private void dump(String[] words) {
        String pass = words.length > 1 ? words[1] : null;
        String name = words.length > 2 ? words[2] : null;
        if ("estimate".equals(pass)) {
            if (name != null && !declarations.containsKey(name)) {
                say("nothing named '" + name + "' was declared in this session");
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> d : declarations.entrySet()) {
                if (name == null || name.equals(d.getKey())) {
                    try {
                        sb.append(section(PplCompiler.analyse(d.getValue(), knownGlobals()).estimates().dump(),
                                d.getKey()));
                    } catch (CompileError e) {
                        say(d.getKey() + ": " + e.getMessage());
                    }
                }
            }
            say(sb.length() == 0 ? (name == null ? "no random choices in this session's models and objectives"
                    : "'" + name + "' has no random choices") : sb.toString().stripTrailing());
        } else if ("ast".equals(pass) && name != null) {
            String text = declarations.get(name);
            if (text == null) {
                say("nothing named '" + name + "' was declared in this session");
                return;
            }
            for (Ast.Stmt s : ParsePass.parse(text).items()) {
                if (s instanceof Ast.Decl d && d.name().equals(name)) {
                    say(AstPrinter.printNode(d).stripTrailing());
                }
            }
        } else {
            say("usage: :dump estimate [NAME] or :dump ast NAME");
        }
    }

    /** The lines of an estimate dump under the header {@code owner:}. */
    private static String section(String dump, String owner) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : dump.split("\n")) {
            if (!line.startsWith(" ")) {
                in = line.equals(owner + ":");
            }
            if (in) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- evaluation

    /** Evaluates {@code text} as one source named {@code name}; shows its value when {@code echo}. */
    void evaluate(String text, String name, boolean echo) {
        Ast.Program program;
        try {
            program = ParsePass.parse(text);
        } catch (CompileError e) {
            say(ErrorFormatter.format(name, text, e.span().offset(), e.span().length(), e.getMessage()));
            return;
        }
        int insertAt = -1;
        String code = text;
        List<Ast.Stmt> items = program.items();
        if (echo && !items.isEmpty() && items.get(items.size() - 1) instanceof Ast.ExprStmt last) {
            insertAt = last.expr().span().offset();
            code = text.substring(0, insertAt) + "let " + RESULT + " = " + text.substring(insertAt);
        }
        int inserted = code.length() - text.length();
        Source source = Source.newBuilder("ppl", code, name).buildLiteral();
        Object result = null;
        boolean compiled = false;
        console.flush();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> interrupt());
        resetSteps();
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> timer = limits.timeoutSeconds() == null ? null
                : TIMER.schedule(() -> {
                    timedOut.set(true);
                    interrupt();
                }, Main.millis(limits.timeoutSeconds()), java.util.concurrent.TimeUnit.MILLISECONDS);
        org.ppl4j.runtime.error.OutOfMemorySite.clear();
        try {
            context.eval(source);
            compiled = true;
            if (insertAt >= 0) {
                result = withContext(() -> PplContext.get(null).globals().remove(RESULT));
            }
        } catch (PolyglotException e) {
            compiled = !e.isSyntaxError();
            if (insertAt >= 0 && !e.isCancelled()) {
                withContext(() -> PplContext.get(null).globals().remove(RESULT));
            }
            if (timedOut.get() && (e.isInterrupted() || e.isCancelled()
                    || "Execution got interrupted.".equals(e.getMessage()))) {
                say("stopped: the input ran longer than " + Main.seconds(limits.timeoutSeconds())
                        + " (--timeout); the session goes on");
                if (e.isCancelled()) {
                    report(e, text, name, code, insertAt, inserted);
                }
            } else {
                report(e, text, name, code, insertAt, inserted);
            }
        } catch (OutOfMemoryError e) {
            // thrown past the program's own statements (or building their error ran out too): where it struck
            compiled = false;
            outOfMemory(null, text, name, code, insertAt, inserted);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            terminal.handle(Terminal.Signal.INT, previous);
        }
        if (compiled) {
            remember(program, text);
        }
        if (result != null && !(result instanceof PplNothing)) {
            say(result instanceof String s ? '"' + s + '"' : Printer.show(result));
        }
    }

    private void report(PolyglotException e, String text, String name, String code, int insertAt, int inserted) {
        // A builtin that reports the interrupt as its own error still says so in Truffle's words.
        if (e.isInterrupted() || "Execution got interrupted.".equals(e.getMessage())) {
            say("interrupted");
            return;
        }
        if (e.isCancelled()) {
            say("the session was cancelled; starting a new one");
            context = newContext();
            declarations.clear();
            return;
        }
        if ((e.isInternalError() || e.isHostException()) && Main.outOfMemory(e)) {
            outOfMemory(e.getSourceLocation(), text, name, code, insertAt, inserted);
            return;
        }
        if (e.isInternalError() || e.isHostException()) {
            say(name + ": internal error: " + e.getMessage());
            return;
        }
        SourceSection at = e.getSourceLocation();
        if (at != null && at.isAvailable() && at.getSource().getName().equals(name)
                && at.getSource().getCharacters().toString().equals(code)) {
            say(inInput(at.getCharIndex(), at.getCharLength(), text, name, insertAt, inserted, e.getMessage()));
        } else {
            say(ErrorFormatter.format(at, name, e.getMessage()));
        }
    }

    /** An error at {@code offset} of the evaluated code, shown in the input as typed (without the result binding). */
    private static String inInput(int offset, int length, String text, String name, int insertAt, int inserted,
            String message) {
        if (insertAt >= 0 && offset >= insertAt) {
            offset = Math.max(insertAt, offset - inserted);
        }
        return ErrorFormatter.format(name, text, offset, length, message);
    }

    /** Memory kept back so that a session whose values fill the heap can still be closed and the error shown. */
    private byte[] reserve = new byte[16 << 20];

    /** The exit code once the session has had to end (memory ran out), else 0. */
    private int ended;

    /**
     * Memory ran out during an input: the session ends, exit code 2, with the error at the statement where memory
     * ran out (noted by the runtime without allocating), mapped into the input as typed when {@code text} is known.
     * It cannot go on: its values may be what fills the heap, and memory running out while the optimising compiler
     * started leaves the engine unable to run anything more in this JVM.
     */
    private void outOfMemory(SourceSection engineSays, String text, String name, String code, int insertAt,
            int inserted) {
        com.oracle.truffle.api.source.SourceSection s = org.ppl4j.runtime.error.OutOfMemorySite.noted();
        reserve = null; // room to close the context, which allocates too, and to build the message
        try {
            context.close(true);
        } catch (RuntimeException | OutOfMemoryError ignored) {
            // the JVM ends with the session
        }
        ended = Main.RUNTIME_ERROR;
        String message = "out of memory: the session's values need more than the "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB the JVM may use, and the session ends; start it "
                + "again with more (PPL_JAVA_OPTS=-Xmx...)";
        try {
            if (text != null && s != null && s.getSource().getName().equals(name)
                    && s.getSource().getCharacters().toString().equals(code)) {
                say(inInput(s.getCharIndex(), s.getCharLength(), text, name, insertAt, inserted, message));
            } else {
                say(Main.outOfMemoryAt(engineSays, name == null ? "ppl" : name, message));
            }
        } catch (OutOfMemoryError still) {
            console.println("ppl: error: out of memory; the session ends");
        }
    }

    /** Starts the step count ({@code --step-limit}) afresh: the limit holds for each input. */
    private void resetSteps() {
        if (limits.stepLimit() != null) {
            context.getEngine().getInstruments().get(StepLimitInstrument.ID).lookup(StepLimitInstrument.Steps.class)
                    .reset();
        }
    }

    /** Ctrl-C while an input runs: stop it, keeping the session (on the signal thread, not the running one). */
    private void interrupt() {
        Context running = context;
        Thread t = new Thread(() -> {
            try {
                running.interrupt(Duration.ofSeconds(10));
            } catch (Exception ignored) {
                // It finished on its own, or cannot be interrupted: nothing more to do.
            }
        }, "ppl-interrupt");
        t.setDaemon(true);
        t.start();
    }

    private void remember(Ast.Program program, String text) {
        for (Ast.Stmt s : program.items()) {
            if (s instanceof Ast.Decl d) {
                declarations.remove(d.name());
                declarations.put(d.name(), text);
            }
        }
    }

    private Context newContext() {
        Context c = Context.newBuilder("ppl").out(terminal.output()).err(terminal.output())
                .option("ppl.Seed", Long.toString(seed)).option("engine.WarnInterpreterOnly", "false")
                .option("ppl.Progress", Boolean.toString(progress))
                .option("ppl.Columns", Integer.toString(terminal.getWidth() >= 20 ? terminal.getWidth() : 80))
                .allowIO(Main.sandbox(limits.allowPaths())) // as for ppl run: the working directory and --allow-path
                .option(StepLimitInstrument.LIMIT_OPTION, limits.stepLimit() == null ? "0" : limits.stepLimit().toString())
                .build();
        c.initialize("ppl");
        return c;
    }

    /** Runs {@code body} with the context entered on this thread, so it can read the guest's state. */
    private <T> T withContext(Supplier<T> body) {
        context.enter();
        try {
            return body.get();
        } finally {
            context.leave();
        }
    }

    private java.util.Set<String> knownGlobals() {
        return withContext(() -> new java.util.HashSet<>(PplContext.get(null).globals().keySet()));
    }

    /** Names in scope for completion: the session's globals, builtins, distributions, strategies, keywords. */
    List<Candidate> names() {
        List<Candidate> c = new ArrayList<>();
        for (String g : new TreeSet<>(knownGlobals())) {
            if (g.matches("[A-Za-z_][A-Za-z_0-9]*") && !g.equals(RESULT)) {
                c.add(new Candidate(g, g, "names", null, null, null, false));
            }
        }
        java.util.Set<String> distributions = new TreeSet<>();
        Distributions.families().forEach(f -> distributions.add(f.name()));
        for (String b : StdlibBuiltins.names()) {
            if (!distributions.contains(b)) {
                c.add(new Candidate(b, b, "builtins", null, null, null, false));
            }
        }
        for (String d : distributions) {
            c.add(new Candidate(d, d, "distributions", null, null, null, false));
        }
        for (String s : Strategies.NAMES) {
            c.add(new Candidate(s, s, "strategies", null, null, null, false));
        }
        for (String k : KEYWORDS) {
            c.add(new Candidate(k, k, "keywords", null, null, null, true));
        }
        return c;
    }

    List<String> declared() {
        return new ArrayList<>(declarations.keySet());
    }

    private void say(String s) {
        console.println(s);
        console.flush();
    }

    // ---------------------------------------------------------------- line editing

    /** True when {@code text} is unfinished: brackets still open, or the parser ran out of input. */
    static boolean incomplete(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.startsWith(":")) {
            return false;
        }
        if (openBrackets(text) > 0) {
            return true;
        }
        try {
            ParsePass.parse(text);
            return false;
        } catch (CompileError e) {
            return e.incomplete();
        }
    }

    /** How many ( [ { are open at the end of {@code text}, outside strings and comments. */
    static int openBrackets(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                for (i++; i < text.length() && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return depth + 1;
                }
                i = end + 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return depth;
    }

    /** Asks JLine for another line while the input is unfinished; splits words for completion. */
    static final class InputParser implements Parser {
        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && incomplete(line)) {
                throw new EOFError(-1, -1, "incomplete input", null, Math.max(0, openBrackets(line)), null);
            }
            return Words.of(line, cursor);
        }
    }

    /**
     * The word under the cursor: an identifier, or for {@code :commands} a run of non-blanks. The words are
     * the text before it, the word, and the text after it.
     */
    record Words(String line, int cursor, String word, int wordCursor, int wordIndex, List<String> words)
            implements CompletingParsedLine {
        static Words of(String line, int cursor) {
            boolean command = line.stripLeading().startsWith(":");
            int start = cursor;
            while (start > 0 && partOfWord(line.charAt(start - 1), command)) {
                start--;
            }
            int end = cursor;
            while (end < line.length() && partOfWord(line.charAt(end), command)) {
                end++;
            }
            String word = line.substring(start, end);
            if (command) {
                List<String> before = List.of(line.substring(0, start).strip().split("\\s+"));
                List<String> ws = new ArrayList<>(before.get(0).isEmpty() ? List.of() : before);
                int index = ws.size();
                ws.add(word);
                return new Words(line, cursor, word, cursor - start, index, ws);
            }
            return new Words(line, cursor, word, cursor - start, 1,
                    List.of(line.substring(0, start), word, line.substring(end)));
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return candidate;
        }

        @Override
        public int rawWordCursor() {
            return wordCursor;
        }

        @Override
        public int rawWordLength() {
            return word.length();
        }

        private static boolean partOfWord(char c, boolean command) {
            return command ? !Character.isWhitespace(c) : Character.isLetterOrDigit(c) || c == '_';
        }
    }

    /** Completes names in scope, and the commands with their arguments. */
    static final class NameCompleter implements Completer {
        private final Supplier<List<Candidate>> names;
        private final Supplier<List<String>> declared;
        private final Completer files = new FileNameCompleter();

        NameCompleter(Supplier<List<Candidate>> names, Supplier<List<String>> declared) {
            this.names = names;
            this.declared = declared;
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            if (!line.line().stripLeading().startsWith(":")) {
                candidates.addAll(names.get());
                return;
            }
            List<String> words = line.words();
            if (line.wordIndex() == 0) {
                COMMANDS.forEach(c -> candidates.add(new Candidate(c, c, null, null, null, null, true)));
            } else if (words.get(0).equals(":load") && line.wordIndex() == 1) {
                files.complete(reader, line, candidates);
            } else if (words.get(0).equals(":dump") && line.wordIndex() == 1) {
                candidates.add(new Candidate("estimate", "estimate", null, null, null, null, true));
                candidates.add(new Candidate("ast", "ast", null, null, null, null, true));
            } else if (words.get(0).equals(":dump") && line.wordIndex() == 2) {
                declared.get().forEach(d -> candidates.add(new Candidate(d, d, null, null, null, null, true)));
            }
        }
    }
}
