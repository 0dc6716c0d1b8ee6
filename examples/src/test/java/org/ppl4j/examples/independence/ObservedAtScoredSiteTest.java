package org.ppl4j.examples.independence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.ppl4j.examples.independence.Programs.num;
import static org.ppl4j.examples.independence.Programs.run;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A guide that samples y by REINFORCE and, in the same objective, assesses an observed label at that same site (the
 * classification loss of the semi-supervised VAE, examples/ssvae): the observed label's log density is an ordinary
 * term whose gradient stays. Only the density of the choice's own sample drops its direct gradient (zero in
 * expectation). Until this was told apart by the assessed value, the classification term had no gradient at all.
 */
class ObservedAtScoredSiteTest {
    @Test
    void anObservedLabelsDensityKeepsItsGradient() {
        Map<String, Object> r = run("""
                model q() {
                  param logits = tensor([0.5, -0.2, 0.1])
                  y ~ categorical(logits: logits) by reinforce
                }
                objective o() {
                  t ~ sim(q())
                  return density(q(), choices { y: 2 }) + 0 * density(q(), t)
                }
                let g = gradients(o(), samples: 20, seed: 1)["q.logits"]
                let exact = one_hot(2, 3) - exp(tensor([0.5, -0.2, 0.1])) / sum(exp(tensor([0.5, -0.2, 0.1])))
                let result = { error: sum(abs(g.mean - exact)), variance: sum(g.variance), size: sum(abs(exact)) }
                """);
        // d/dlogits log softmax(logits)[2] = one_hot(2) - softmax(logits), the same in every one of the 20 estimates
        assertEquals(0, num(r, "error"), 1e-12);
        assertEquals(0, num(r, "variance"), 1e-12);
        assertTrue(num(r, "size") > 0.5, "the exact gradient is not zero");
    }
}
