package org.ppl4j.examples.independence;

import java.util.Map;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplProgram;

/**
 * The models the independence tests share, each as a tensor form in local ({@code _t}) and a loop form with one
 * choice per row ({@code _l}), and a runner that reads the program's {@code result} record.
 */
final class Programs {
    private Programs() {
    }

    /** A sigmoid belief net: 5 binary data rows of 6 pixels, 3 binary hidden units per row. */
    static final String SBN = """
            let x = tensor([[1, 0, 1, 1, 0, 0], [0, 0, 1, 0, 1, 1], [1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 0, 1],
                            [1, 0, 0, 0, 1, 0]])
            let b = 5
            let d = 3
            let w0 = tensor([[0.5, -0.3, 0.2, 0.1, -0.4, 0.3], [-0.2, 0.4, 0.1, -0.5, 0.2, 0.0],
                             [0.3, 0.1, -0.2, 0.2, 0.1, -0.3]])
            let v0 = tensor([[0.1, -0.2, 0.3], [0.2, 0.1, -0.1], [-0.3, 0.2, 0.1], [0.1, 0.0, 0.2],
                             [0.2, -0.1, -0.2], [-0.1, 0.3, 0.0]])
            model sbn_t() {
              param w = w0
              local {
                h ~ bernoulli(logits: zeros(d))
                x ~ bernoulli(logits: h @ w)
              }
            }
            model guide_t() {
              param v = v0
              local {
                h ~ bernoulli(logits: x @ v)
              }
            }
            model guide_whole() {
              param v = v0
              h ~ bernoulli(logits: x @ v)
            }
            model sbn_l() {
              param w = w0
              for i in 0..b {
                let hi = h[i] ~ bernoulli(logits: zeros(d))
                x[i] ~ bernoulli(logits: hi @ w)
              }
            }
            model guide_l() {
              param v = v0
              for i in 0..b {
                h[i] ~ bernoulli(logits: x[i] @ v)
              }
            }
            let obs = choices { x: x }
            """;

    /**
     * A two-component mixture of 40 points (drawn once from 0.7 N(2, 1) + 0.3 N(-2, 1)) with one local [40] choice:
     * the GMM of examples/gmm, smaller.
     */
    static final String GMM = """
            let x = tensor([2.801, 2.606, 0.178, -0.704, -1.782, 3.221, 2.546, -1.57, -1.374, 0.317,
                            0.867, -3.161, -0.833, 2.707, 2.497, 3.018, -1.164, 1.058, -3.859, -2.909,
                            0.841, 2.696, 1.379, 3.721, 1.431, 1.421, 0.107, 4.869, 2.415, 3.353,
                            1.983, 1.121, -1.713, 2.211, -2.551, 1.512, 1.714, 2.075, -0.436, -2.457])
            let n = len(x)
            model gmm_t() {
              param w = 0.5 : unit_interval
              locs ~ normal(tensor([0, 0]), 5)
              local {
                z ~ bernoulli(w)
                obs ~ normal(locs[0] + z * (locs[1] - locs[0]), 1)
              }
            }
            model guide_t() {
              param loc_mean = tensor([-1, 1])
              param loc_scale = tensor([0.5, 0.5]) : positive
              param logits = zeros(n)
              locs ~ normal(loc_mean, loc_scale)
              local {
                z ~ bernoulli(logits: logits)
              }
            }
            model gmm_l() {
              param w = 0.5 : unit_interval
              locs ~ normal(tensor([0, 0]), 5)
              for i in 0..n {
                let k = z[i] ~ bernoulli(w)
                obs[i] ~ normal(locs[k], 1)
              }
            }
            model guide_l() {
              param loc_mean = tensor([-1, 1])
              param loc_scale = tensor([0.5, 0.5]) : positive
              param logits = zeros(n)
              locs ~ normal(loc_mean, loc_scale)
              for i in 0..n {
                z[i] ~ bernoulli(logits: logits[i])
              }
            }
            let obs = choices { obs: x }
            """;

    /**
     * A three-component mixture of 12 points with one local [12] categorical: the guide's logits are a [12, 3]
     * parameter (one row per point), the model's prior a [3] vector shared by the points.
     */
    static final String CATEGORICAL = """
            let x = tensor([-2.3, 0.4, 2.2, 1.6, -1.9, 0.1, 3.0, -0.6, 2.4, -2.8, 0.9, 1.2])
            let n = len(x)
            let k = 3
            model cat_t() {
              param w = tensor([0.2, 0.3, 0.5]) : positive
              locs ~ normal(tensor([-2, 0, 2]), 1)
              local {
                c ~ categorical(probs: w / sum(w))
                obs ~ normal(sum(one_hot(c, k) * locs, axis: 1), 1)
              }
            }
            model guide_t() {
              param loc_mean = tensor([-1.5, 0.2, 1.5])
              param logits = reshape(tensor([0.3, -0.2, 0.1]), [1, 3]) * reshape(x, [n, 1])
              locs ~ normal(loc_mean, 0.3)
              local {
                c ~ categorical(logits: logits)
              }
            }
            model cat_l() {
              param w = tensor([0.2, 0.3, 0.5]) : positive
              locs ~ normal(tensor([-2, 0, 2]), 1)
              for i in 0..n {
                let ci = c[i] ~ categorical(probs: w / sum(w))
                obs[i] ~ normal(locs[ci], 1)
              }
            }
            model guide_l() {
              param loc_mean = tensor([-1.5, 0.2, 1.5])
              param logits = reshape(tensor([0.3, -0.2, 0.1]), [1, 3]) * reshape(x, [n, 1])
              locs ~ normal(loc_mean, 0.3)
              for i in 0..n {
                c[i] ~ categorical(logits: logits[i])
              }
            }
            let obs = choices { obs: x }
            """;

    static Map<String, Object> run(String source) {
        try (PplProgram p = Ppl.compile(source, "test.ppl")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) p.run().get("result");
            return r;
        }
    }

    static double num(Map<String, Object> r, String field) {
        return ((Number) r.get(field)).doubleValue();
    }
}
