package org.ppl4j.examples.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.ppl4j.grammar.PplLexer;
import org.ppl4j.grammar.PplParser;

/**
 * Property: whatever edits are made to the example programs, {@code ppl check} and {@code ppl run} end with
 * exit 0, 1 or 2, a positioned {@code file:line:col: error:} message for 1 and 2, no internal error, no Java
 * exception or stack trace in the output, and within the time limit (see {@link Ppl.Result#violation()}).
 *
 * <p>Seeds are fixed, so a run is reproducible. The default numbers of tries fit the normal build (well under
 * a minute on two cores); {@code mvn -Pslow} (system property {@code ppl.slow=true}) multiplies them by
 * {@value #SLOW_FACTOR}. {@code -Dppl.fuzz.seed=N} explores other inputs; {@code -Dppl.fuzz.keepgoing=true} counts
 * and saves every failure instead of stopping at the first. jqwik's own shrinking is off: a failing input is
 * reduced by {@link Reducer} (deleting lines, tokens, characters), which gives shorter programs than shrinking
 * the list of edits.
 */
@AddLifecycleHook(value = MutationFuzzTest.Scale.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class MutationFuzzTest {
    static final int SLOW_FACTOR = 25;

    @Property(tries = 3000, seed = "20250601", shrinking = ShrinkingMode.OFF)
    void checkSurvivesTokenEdits(@ForAll("programs") Seeds.Program p, @ForAll("edits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        verdict("checkSurvivesTokenEdits", Ppl.check(text), p, edits);
    }

    @Property(tries = 500, seed = "20250602", shrinking = ShrinkingMode.OFF)
    void checkSurvivesManyEdits(@ForAll("programs") Seeds.Program p, @ForAll("manyEdits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        verdict("checkSurvivesManyEdits", Ppl.check(text), p, edits);
    }

    @Property(tries = 400, seed = "20250603", shrinking = ShrinkingMode.OFF)
    void checkSurvivesTruncation(@ForAll("programs") Seeds.Program p, @ForAll("fraction") int cut) {
        String text = p.text().substring(0, (int) ((long) p.text().length() * cut / 10_000));
        verdict("checkSurvivesTruncation", Ppl.check(text), p, List.of());
    }

    @Property(tries = 500, seed = "20250604", shrinking = ShrinkingMode.OFF)
    void checkSurvivesRandomText(@ForAll("noise") String text) {
        verdict("checkSurvivesRandomText", Ppl.check(text), null, List.of());
    }

    /** Raw bytes spliced in: invalid UTF-8, NUL, stray continuation bytes. */
    @Property(tries = 200, seed = "20250609", shrinking = ShrinkingMode.OFF)
    void checkSurvivesRandomBytes(@ForAll("programs") Seeds.Program p, @ForAll("fraction") int at,
            @ForAll("bytes") byte[] noise) {
        byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
        int cut = (int) ((long) text.length * at / 10_000);
        byte[] input = new byte[text.length + noise.length];
        System.arraycopy(text, 0, input, 0, cut);
        System.arraycopy(noise, 0, input, cut, noise.length);
        System.arraycopy(text, cut, input, cut + noise.length, text.length - cut);
        Outcomes.verdict("checkSurvivesRandomBytes", Ppl.execute(Ppl.Mode.CHECK, input), "seed program: " + p);
    }

    @Property(tries = 150, seed = "20250605", shrinking = ShrinkingMode.OFF)
    void runSurvivesTokenEdits(@ForAll("programs") Seeds.Program p, @ForAll("edits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        verdict("runSurvivesTokenEdits", Ppl.run(text), p, edits);
    }

    @Property(tries = 500, seed = "20250607", shrinking = ShrinkingMode.OFF)
    void checkSurvivesValueEdits(@ForAll("programs") Seeds.Program p, @ForAll("valueEdits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        verdict("checkSurvivesValueEdits", Ppl.check(text), p, edits);
    }

    /** Numbers and names replaced: most programs still compile, so this reaches the runtime and the stdlib. */
    @Property(tries = 250, seed = "20250608", shrinking = ShrinkingMode.OFF)
    void runSurvivesValueEdits(@ForAll("runnable") Seeds.Program p, @ForAll("valueEdits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        verdict("runSurvivesValueEdits", Ppl.run(text), p, edits);
    }

    /**
     * The parser runs in SLL mode and falls back to LL only on an error (ParsePass): wherever both modes accept a
     * program, they must build the same tree, or the fast path would change what programs mean.
     */
    @Property(tries = 500, seed = "20250606", shrinking = ShrinkingMode.OFF)
    void sllAndLlParsesAgree(@ForAll("programs") Seeds.Program p, @ForAll("edits") List<Mutation> edits) {
        String text = Mutation.applyAll(p.text(), edits);
        String sll = tree(text, PredictionMode.SLL);
        String ll = tree(text, PredictionMode.LL);
        if (sll != null && ll != null && !sll.equals(ll)) {
            fail("SLL and LL parse differently:\n" + text + "\nSLL: " + sll + "\nLL:  " + ll);
        }
        if (sll != null && ll == null) {
            fail("SLL accepts what LL rejects:\n" + text);
        }
    }

    private static String tree(String text, PredictionMode mode) {
        PplParser parser = new PplParser(new CommonTokenStream(new PplLexer(CharStreams.fromString(text))));
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
        parser.getInterpreter().setPredictionMode(mode);
        try {
            return parser.program().toStringTree(parser);
        } catch (ParseCancellationException e) {
            return null;
        }
    }

    private static void verdict(String suite, Ppl.Result r, Seeds.Program p, List<Mutation> edits) {
        Outcomes.verdict(suite, r, "seed program: " + p + "\nedits: " + edits);
    }

    @AfterContainer
    static void report() {
        Outcomes.write();
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Seeds.Program> programs() {
        return Arbitraries.of(Seeds.programs());
    }

    @Provide
    Arbitrary<Seeds.Program> runnable() {
        return Arbitraries.of(Seeds.runnable());
    }

    @Provide
    Arbitrary<List<Mutation>> edits() {
        return mutation().list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Mutation>> valueEdits() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
        return Combinators.combine(position, position).as((a, b) -> new Mutation(Mutation.Kind.REPLACE_VALUE, a, b, ""))
                .list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Mutation>> manyEdits() {
        return mutation().list().ofMinSize(10).ofMaxSize(40);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<Integer> fraction() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<String> noise() {
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(200);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(100);
        Arbitrary<String> tokens = Arbitraries.of(Seeds.pool()).list().ofMaxSize(60).map(l -> String.join(" ", l));
        return Arbitraries.oneOf(ascii, any, tokens);
    }

    static Arbitrary<Mutation> mutation() {
        Arbitrary<Mutation.Kind> kind = Arbitraries.of(Mutation.Kind.class);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withChars("(){}[]<>=~!@#$%^&*-+/\\|;:'\",.?`_ \t\n0123456789eE").ofMinLength(1)
                        .ofMaxLength(6),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(4),
                Arbitraries.of(Seeds.pool()));
        return Combinators.combine(kind, position, position, text).as(Mutation::new);
    }

    /** Scales the tries for {@code -Pslow}; {@code -Dppl.fuzz.seed=N} adds N to every fixed seed. */
    static class Scale implements AroundPropertyHook {
        /** How many times the tries {@code -Pslow} runs. */
        int slowFactor() {
            return SLOW_FACTOR;
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int tries = context.attributes().tries().orElse(1000);
            if (Outcomes.slow()) {
                context.attributes().setTries(tries * slowFactor());
            }
            String seed = System.getProperty("ppl.fuzz.seed");
            if (seed != null) {
                long offset = context.attributes().seed().map(Long::parseLong).orElse(0L);
                context.attributes().setSeed(Long.toString(Long.parseLong(seed) + offset));
            }
            Outcomes.seed(context.targetMethod().getName(), context.attributes().seed().orElse("random"));
            return property.execute();
        }
    }
}
