package org.ppl4j.examples.embedding;

import com.oracle.truffle.api.Truffle;
import org.graalvm.polyglot.Context;

/**
 * An embedder's JVM in miniature, for {@link RuntimeRecipeTest}: runs a ppl source in two contexts and prints the
 * Truffle runtime in use.
 */
public final class RuntimeProbe {
    private RuntimeProbe() {
    }

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try (Context context = Context.newBuilder("ppl").option("engine.WarnInterpreterOnly", "false").build()) {
                System.out.println(context.eval("ppl", "fn f(x) { x * 2 }\nf(21)").asInt());
            }
        }
        System.out.println(Truffle.getRuntime().getName());
    }
}
