package org.ppl4j.examples.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplProgram;

/**
 * {@code density(q, z)} for the trace z that {@code sim(q)} drew in the same run is computed from the distributions
 * the simulation used instead of running q again. {@code merge(z, choices {})} is a copy without that memory, so
 * it takes the long way: with the same seed, the two objectives must give the same gradient estimates (mean and
 * variance over 200 draws, per parameter element) for reparameterised, path, score-function and enumerated
 * guide choices, and for a guide with a network and a local block.
 */
class SimulatedDensityTest {
    static final String PROGRAM = """
            model p(x) {
              z ~ normal(0, 1)
              k ~ bernoulli(0.4)
              w ~ normal(z + k, 0.5)
              local { y ~ normal(w + zeros([len(x), 1]), 1) }
            }
            model q(x) {
              param m = 0.3
              param s = 0.8 : positive
              param l = 0.2
              param net = tensor([[0.1], [0.2]])
              z ~ normal(m, s) by %s
              k ~ bernoulli(logits: l) by %s
              w ~ normal(z + sum(tanh(dense(tensor([[1, 2]]), net, 0.1))), 0.7)
            }
            objective fast(p, q, obs) {
              t ~ sim(q)
              return density(p, merge(t, obs)) - density(q, t)
            }
            objective slow(p, q, obs) {
              t ~ sim(q)
              return density(p, merge(t, obs)) - density(q, merge(t, choices {}))
            }
            let x = tensor([[0.5], [1.5]])
            let a = gradients(fast(p(x), q(x), choices { y: x }), samples: 200, seed: 9)
            let b = gradients(slow(p(x), q(x), choices { y: x }), samples: 200, seed: 9)
            """;

    /** The same structure, numbers equal to 1e-12 relative (the two graphs may add adjoints in another order). */
    static void close(Object expected, Object actual, String where) {
        if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(e.keySet(), a.keySet(), where);
            e.forEach((k, v) -> close(v, a.get(k), where + "." + k));
        } else if (expected instanceof double[] e) {
            double[] a = (double[]) actual;
            assertEquals(e.length, a.length, where);
            for (int i = 0; i < e.length; i++) {
                close(e[i], a[i], where + "[" + i + "]");
            }
        } else if (expected instanceof double[][] e) {
            double[][] a = (double[][]) actual;
            assertEquals(e.length, a.length, where);
            for (int i = 0; i < e.length; i++) {
                close(e[i], a[i], where + "[" + i + "]");
            }
        } else if (expected instanceof Double e) {
            double a = (Double) actual;
            assertEquals(e, a, 1e-12 * Math.max(1, Math.abs(e)), where);
        } else {
            assertEquals(expected, actual, where);
        }
    }

    @Test
    void theShortcutGivesTheSameGradientsAsRunningTheGuideAgain() {
        String[][] strategies = {{"reparam", "reinforce"}, {"path", "enum"}, {"reinforce", "mvd"}};
        for (String[] s : strategies) {
            try (PplProgram prog = Ppl.compile(PROGRAM.formatted(s[0], s[1]), "density.ppl")) {
                prog.run();
                Object a = prog.get("a");
                Object b = prog.get("b");
                assertEquals(true, a instanceof Map<?, ?> m && m.size() > 1, "a gradient report: " + a);
                close(b, a, String.join("/", s));
            }
        }
    }
}
