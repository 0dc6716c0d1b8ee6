package org.ppl4j.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;

/** The stdlib's prelude is defined once per context, whatever the first source does (issue 15). */
class PreludeTest {
    @Test
    void aFirstSourceThatDoesNotCompileLeavesTheStdlibDefined() {
        try (Context context = Context.create("ppl")) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("ppl", "foo"));
            assertTrue(e.isSyntaxError(), e.getMessage());
            assertEquals("<objective elbo>", context.eval("ppl", "elbo").toString());
        }
    }

    @Test
    void aFirstSourceThatFailsAtRunTimeLeavesTheStdlibDefined() {
        try (Context context = Context.create("ppl")) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("ppl", "[1][3]"));
            assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
            assertEquals("<objective iwae>", context.eval("ppl", "iwae").toString());
        }
    }

    /**
     * A source parsed before the prelude has run, and run after, does not define the prelude a second time: the
     * user's own elbo, defined in between, stays.
     */
    @Test
    void thePreludeRunsOnce() {
        try (Context context = Context.create("ppl")) {
            Value early = context.parse(Source.create("ppl", "1"));
            context.eval("ppl", "fn elbo(a) { a + 1 }");
            assertEquals(1, early.execute().asDouble());
            assertEquals(3, context.eval("ppl", "elbo(2)").asDouble());
        }
    }

    /** Contexts of one engine share compiled sources: each still gets the prelude of its own. */
    @Test
    void eachContextOfASharedEngineDefinesItsOwnPrelude() {
        try (org.graalvm.polyglot.Engine engine = org.graalvm.polyglot.Engine.create("ppl")) {
            Source source = Source.create("ppl", "elbo");
            try (Context first = Context.newBuilder("ppl").engine(engine).build()) {
                first.eval("ppl", "1");
                assertEquals("<objective elbo>", first.eval(source).toString());
            }
            try (Context second = Context.newBuilder("ppl").engine(engine).build()) {
                assertEquals("<objective elbo>", second.eval(source).toString());
            }
        }
    }
}
