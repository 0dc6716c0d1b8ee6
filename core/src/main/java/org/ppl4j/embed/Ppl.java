package org.ppl4j.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.stdlib.StdlibBuiltins;

/**
 * ppl4j inside a Java application: compile a program, run it, read its fit as Java values.
 *
 * <pre>{@code
 * try (PplProgram program = Ppl.compile(Path.of("examples/coin.ppl"))) {
 *     FitResult fit = program.run().lastFit();
 *     Posterior p = fit.posterior("p");
 *     System.out.println(p.mean() + " ± " + p.sd());
 * }
 * }</pre>
 *
 * <p>Data can come from Java values instead of files ({@link PplOptions#withData}), results go back as arrays
 * ({@link FitResult#paramArray}, {@link FitResult#posteriorArray}), and a fit can be followed
 * ({@link PplOptions#withProgressListener}) and cancelled ({@link PplProgram#cancel()}).
 *
 * <p>Each program gets its own polyglot {@link Context}, sandboxed: a program cannot read files, load host
 * classes or start threads. The plain polyglot route, {@code Context.create("ppl").eval("ppl", source)},
 * works too; this API adds error positions and Java views of the results.
 */
public final class Ppl {
    private Ppl() {
    }

    /** Compiles the program in {@code file}, with default options. */
    public static PplProgram compile(Path file) throws IOException {
        return compile(file, PplOptions.defaults());
    }

    /** Compiles the program in {@code file}; errors name the file as given. */
    public static PplProgram compile(Path file, PplOptions options) throws IOException {
        return compile(Files.readString(file), file.toString(), options);
    }

    /** Compiles {@code source}; {@code name} is the file name its errors show. */
    public static PplProgram compile(String source, String name) {
        return compile(source, name, PplOptions.defaults());
    }

    /**
     * Compiles {@code source} without running it: parse, resolve, the estimate pass and lowering.
     *
     * @throws PplException of kind {@link PplException.Kind#COMPILE} for the first compile error
     */
    public static PplProgram compile(String source, String name, PplOptions options) {
        org.ppl4j.runtime.Stop stop = org.ppl4j.runtime.Stop.create();
        Context context;
        try {
            context = options.newContext(stop);
        } catch (RuntimeException e) {
            stop.close();
            throw e;
        }
        try {
            if (!options.data().isEmpty()) {
                defineData(context, options.data());
            }
            Source s = Source.newBuilder("ppl", source, name).buildLiteral();
            return new PplProgram(name, context, context.parse(s), options, stop);
        } catch (PolyglotException e) {
            context.close();
            stop.close();
            throw PplProgram.convert(e, name);
        } catch (RuntimeException e) {
            context.close();
            stop.close();
            throw e;
        }
    }

    /**
     * Defines the data names in {@code context}, after the standard library's prelude (which an empty source
     * runs), so that a data name can neither hide nor be hidden by a name of the library.
     */
    private static void defineData(Context context, Map<String, Object> data) {
        context.eval(Source.newBuilder("ppl", "", "<data>").buildLiteral());
        context.enter();
        try {
            Map<String, Object> globals = PplContext.get(null).globals();
            for (Map.Entry<String, Object> e : data.entrySet()) {
                if (globals.containsKey(e.getKey()) || StdlibBuiltins.lookup(e.getKey()) != null) {
                    throw new IllegalArgumentException("data '" + e.getKey() + "': the standard library defines '"
                            + e.getKey() + "'; give the data another name");
                }
                globals.put(e.getKey(), GuestValues.toGuest(e.getValue(), e.getKey()));
            }
        } finally {
            context.leave();
        }
    }
}
