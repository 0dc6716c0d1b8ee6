package org.ppl4j.compiler;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ppl4j.compiler.ast.Ast;
import org.ppl4j.compiler.ast.Span;
import org.ppl4j.compiler.passes.EstimatePass;
import org.ppl4j.compiler.passes.LowerPass;
import org.ppl4j.compiler.passes.ParsePass;
import org.ppl4j.compiler.passes.Resolution;
import org.ppl4j.compiler.passes.ResolvePass;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplFrontEnd;
import org.ppl4j.runtime.PplLanguage;
import org.ppl4j.runtime.error.PplCompileException;
import org.ppl4j.runtime.nodes.PplExpressionNode;
import org.ppl4j.runtime.nodes.PplPreludeNode;
import org.ppl4j.runtime.nodes.PplProgramRootNode;
import org.ppl4j.runtime.nodes.controlflow.PplBlockNode;
import org.ppl4j.stdlib.StdlibBuiltins;

/**
 * The pipeline: parse, resolve, estimate, lower. The stdlib's objectives ({@code objectives.ppl}) are
 * compiled in front of the first program of each context, so user programs see {@code elbo} and friends.
 */
public final class PplCompiler implements PplFrontEnd {
    public static final String PRELUDE_RESOURCE = "/org/ppl4j/stdlib/objectives.ppl";

    /** The passes' results for one source, for {@code ppl check --dump}. */
    public record Analysis(Ast.Program program, Resolution resolution, EstimatePass estimates) {
    }

    @Override
    public RootCallTarget compile(PplLanguage language, Source source) {
        PplContext context = PplContext.get(null);
        Analysis a = analyse(source.getCharacters().toString(), source, context.globals().keySet());
        List<PplExpressionNode> nodes = new ArrayList<>();
        // every program starts by defining the prelude if its context has not run it yet: what a program that
        // fails to compile or run leaves behind never decides it (nor which call target Truffle's cache returns)
        nodes.add(new PplPreludeNode(language.prelude(() -> preludeTarget(language))));
        nodes.addAll(lower(language, source, a));
        PplBlockNode body = new PplBlockNode(nodes.toArray(new PplExpressionNode[0]));
        PplProgramRootNode root = new PplProgramRootNode(language, LowerPass.frame(a.resolution().frameSize(a.program())),
                body, source.createSection(0, source.getLength()));
        return root.getCallTarget();
    }

    /** The prelude as a program of its own, shared by every context of the language. */
    private static RootCallTarget preludeTarget(PplLanguage language) {
        Source prelude = preludeSource(PplContext.get(null).internalStdlib());
        Analysis p = analyse(prelude.getCharacters().toString(), prelude, Set.of());
        PplBlockNode body = new PplBlockNode(lower(language, prelude, p).toArray(new PplExpressionNode[0]));
        return PplProgramRootNode.prelude(language, LowerPass.frame(p.resolution().frameSize(p.program())), body,
                prelude.createSection(0, prelude.getLength())).getCallTarget();
    }

    private static List<PplExpressionNode> lower(PplLanguage language, Source source, Analysis a) {
        try {
            return new LowerPass(language, source, a.resolution(), a.estimates()).program(a.program());
        } catch (CompileError e) {
            throw toTruffle(e, source);
        }
    }

    /**
     * Every compile-time check, lowering included, without running anything: {@code ppl check}. Throws
     * {@link CompileError} for the first problem.
     */
    public static Analysis check(String text, String name) {
        Analysis a = analyse(text, Set.of());
        Source source = Source.newBuilder(PplLanguage.ID, text, name).build();
        new LowerPass(null, source, a.resolution(), a.estimates()).program(a.program());
        return a;
    }

    /** Parses, resolves and estimates, turning a compile error into the language's positioned parse error. */
    public static Analysis analyse(String text, Source source, Set<String> knownGlobals) {
        try {
            return analyse(text, knownGlobals);
        } catch (CompileError e) {
            throw toTruffle(e, source);
        }
    }

    /** The passes without Truffle: used by {@code ppl check} and tests. */
    public static Analysis analyse(String text, Set<String> knownGlobals) {
        Ast.Program program = ParsePass.parse(text);
        Set<String> known = new HashSet<>(knownGlobals);
        known.addAll(preludeNames());
        Resolution r = new ResolvePass(StdlibBuiltins::lookup, StdlibBuiltins.names(), known).run(program);
        EstimatePass e = new EstimatePass(r).run(program);
        return new Analysis(program, r, e);
    }

    private static PplCompileException toTruffle(CompileError e, Source source) {
        Span s = e.span();
        int offset = Math.min(s.offset(), source.getLength());
        int length = Math.max(0, Math.min(s.length(), source.getLength() - offset));
        return new PplCompileException(e.getMessage(), source.createSection(offset, length), e.incomplete());
    }

    private static volatile String preludeText;
    private static volatile Set<String> preludeNames;

    public static String preludeText() {
        String t = preludeText;
        if (t == null) {
            try (InputStream in = PplCompiler.class.getResourceAsStream(PRELUDE_RESOURCE)) {
                t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("the stdlib objectives are missing from the class path", e);
            }
            preludeText = t;
        }
        return t;
    }

    /** The prelude's source; internal (skipped by debuggers, e.g. at the first pause and when stepping) if asked. */
    private static Source preludeSource(boolean internal) {
        return Source.newBuilder(PplLanguage.ID, preludeText(), PplLanguage.PRELUDE_NAME).internal(internal).build();
    }

    /**
     * The program arguments a program reads by name, the literal first arguments of its {@code arg("name", ...)}
     * calls: the command line takes {@code --name VALUE} for these and refuses other options it does not know.
     * Read from the tokens, so a program that does not parse still gets its arguments checked.
     */
    public static Set<String> argumentNames(String text) {
        Set<String> names = new java.util.LinkedHashSet<>();
        org.ppl4j.grammar.PplLexer lexer = new org.ppl4j.grammar.PplLexer(
                org.antlr.v4.runtime.CharStreams.fromString(text));
        lexer.removeErrorListeners(); // a bad character is the compiler's to report, with its position
        List<? extends org.antlr.v4.runtime.Token> tokens = lexer.getAllTokens();
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (tokens.get(i).getType() == org.ppl4j.grammar.PplLexer.ID && tokens.get(i).getText().equals("arg")
                    && tokens.get(i + 1).getText().equals("(")
                    && tokens.get(i + 2).getType() == org.ppl4j.grammar.PplLexer.STRING) {
                String quoted = tokens.get(i + 2).getText();
                names.add(quoted.substring(1, quoted.length() - 1));
            }
        }
        return names;
    }

    /** The names the prelude declares. */
    public static Set<String> preludeNames() {
        Set<String> n = preludeNames;
        if (n == null) {
            n = new HashSet<>();
            for (Ast.Stmt s : ParsePass.parse(preludeText()).items()) {
                if (s instanceof Ast.Decl d) {
                    n.add(d.name());
                }
            }
            preludeNames = n;
        }
        return n;
    }
}
