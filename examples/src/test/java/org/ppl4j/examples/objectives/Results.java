package org.ppl4j.examples.objectives;

import java.util.Map;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplProgram;

/** Runs a test program and reads its top-level {@code result}: shared by the objective tests. */
final class Results {
    private Results() {
    }

    /** Runs {@code source} and returns the value of its top-level name {@code result}. */
    static Object run(String source) {
        try (PplProgram p = Ppl.compile(source, "test.ppl")) {
            return p.run().get("result");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> record(Object v) {
        return (Map<String, Object>) v;
    }

    static double num(Map<String, Object> r, String field) {
        return (Double) r.get(field);
    }
}
