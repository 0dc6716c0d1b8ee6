package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ppl4j.kernels.FloatKernels;

/**
 * The VAE's ELBO and its gradient on one fixed batch (128 random binary images, encoder 784-400-20, decoder
 * 20-400-784, softplus layers, Bernoulli logits, one fixed noise draw), computed through the tape with ppl4j's own
 * kernels and again with ND4J's (today's implementation before the kernel layer). Every parameter's gradient must
 * agree to float32 tolerance: |own - nd4j| <= 1e-4 max|nd4j| per parameter (the two compute the elementwise
 * functions a few float32 ulps apart, and the products spread that over a few hundred terms), and the ELBO to
 * 1e-5 relative.
 */
class OwnKernelsVaeGradientTest {
    @AfterEach
    void backToTheJvmsChoice() {
        Nd4jKernels.useOwnKernels(true);
        Nd4jKernels.useOwnProducts(null);
    }

    static Tensor uniform(Random r, double scale, int... shape) {
        double[] d = new double[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * r.nextDouble() - 1);
        }
        return new Tensor(shape, d);
    }

    /** The ELBO's value and the gradients of the 10 parameters. */
    static Tensor[] elboAndGradient() {
        return elboAndGradient(false, false);
    }

    /**
     * As above; {@code asTheExample}: computed as examples/vae/vae.ppl computes it (the log scale read by exp alone,
     * so that the bias, exp run is fused; log p(z) and log q(z | x) as normal densities), with the fused normal
     * density node when {@code fusedDensity}, else from its elementary operations.
     */
    static Tensor[] elboAndGradient(boolean asTheExample, boolean fusedDensity) {
        Random r = new Random(42);
        double[] pixels = new double[128 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextDouble() < 0.3 ? 1 : 0;
        }
        Tensor x = new Tensor(new int[] {128, 784}, pixels);
        Tensor[] init = {uniform(r, 1 / Math.sqrt(784), 784, 400), uniform(r, 1 / Math.sqrt(784), 400),
            uniform(r, 1 / Math.sqrt(400), 400, 20), uniform(r, 1 / Math.sqrt(400), 20),
            uniform(r, 1 / Math.sqrt(400), 400, 20), uniform(r, 1 / Math.sqrt(400), 20),
            uniform(r, 1 / Math.sqrt(20), 20, 400), uniform(r, 1 / Math.sqrt(20), 400),
            uniform(r, 1 / Math.sqrt(400), 400, 784), uniform(r, 1 / Math.sqrt(400), 784)};
        Tensor eps = uniform(r, 1.5, 128, 20);
        Tape tape = new Tape();
        TensorVar[] p = new TensorVar[init.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = tape.leaf(init[i]);
        }
        Object h = AD.softplus(AD.add(AD.matmul(x, p[0]), p[1]));
        Object mu = AD.add(AD.matmul(h, p[2]), p[3]);
        Object logSd = AD.add(AD.matmul(h, p[4]), p[5]);
        Object z = AD.add(mu, AD.mul(AD.exp(logSd), eps));
        Object h3 = AD.softplus(AD.add(AD.matmul(z, p[6]), p[7]));
        Object logits = AD.add(AD.matmul(h3, p[8]), p[9]);
        Object logLik = AD.bernoulliLogitsSum(x, logits);
        Object elbo;
        if (asTheExample) {
            Object sd = AD.exp(AD.add(AD.matmul(h, p[4]), p[5]));
            Object zz = AD.add(mu, AD.mul(sd, eps));
            Object h4 = AD.softplus(AD.add(AD.matmul(zz, p[6]), p[7]));
            Object logits4 = AD.add(AD.matmul(h4, p[8]), p[9]);
            Tensor zeros = Tensor.zeros(new int[] {128, 20});
            Object prior = fusedDensity ? AD.normalQuadraticSum(zz, zeros, 1.0)
                    : FusionTest.quadratic(zz, zeros, 1.0);
            Object q = fusedDensity ? AD.normalQuadraticSum(zz, mu, sd) : FusionTest.quadratic(zz, mu, sd);
            elbo = AD.add(AD.bernoulliLogitsSum(x, logits4), AD.sub(prior, AD.sub(q, AD.sum(AD.log(sd)))));
        } else {
            // log p(z) - log q(z | x), constants dropped: -z^2/2 + eps^2/2 + log sd
            Object logPrior = AD.mul(-0.5, AD.sum(AD.square(z)));
            Object logQ = AD.sub(AD.mul(-0.5, AD.sum(AD.square(eps))), AD.sum(logSd));
            elbo = AD.add(logLik, AD.sub(logPrior, logQ));
        }
        tape.backward(elbo);
        Tensor[] out = new Tensor[p.length + 1];
        out[0] = AD.tensorValue(elbo);
        for (int i = 0; i < p.length; i++) {
            out[i + 1] = p[i].adjoint();
        }
        return out;
    }

    @Test
    void theVaeGradientIsUnchangedByTheOwnKernels() {
        assertNotNull(FloatKernels.live(), "surefire's JVM runs the Vector API kernels");
        Nd4jKernels.useOwnKernels(true);
        Tensor[] own = elboAndGradient();
        Nd4jKernels.useOwnKernels(false);
        Tensor[] nd4j = elboAndGradient();
        agree(own, nd4j);
    }

    /**
     * The own kernels with ppl4j's own matrix product against the same kernels with BLAS's {@code cblas_sgemm}
     * (every product of the step: the layers, their weight gradients, their input gradients): the same
     * tolerances. Where the JVM's vectors are narrower than 512 bits there is no own product and both runs are BLAS's,
     * so the test asks for it only where it exists.
     */
    @Test
    void theVaeGradientIsUnchangedByTheOwnProduct() {
        Nd4jKernels.useOwnKernels(true);
        org.junit.jupiter.api.Assumptions.assumeTrue(FloatKernels.live().matmulName() != null,
                "no own product on this CPU (vectors under 512 bits)");
        Nd4jKernels.useOwnProducts(true);
        Tensor[] own = elboAndGradient(true, true);
        Nd4jKernels.useOwnProducts(false);
        Tensor[] blas = elboAndGradient(true, true);
        agree(own, blas);
    }

    /** When the own product runs unasked: only where OpenBLAS is held to kernels narrower than AVX-512. */
    @Test
    void theOwnProductIsChosenOnlyOverNarrowerBlasKernels() {
        assertTrue(Products.blasHeldBelow512("Haswell"));
        assertTrue(Products.blasHeldBelow512(" zen "));
        assertTrue(Products.blasHeldBelow512("SANDYBRIDGE"));
        org.junit.jupiter.api.Assertions.assertFalse(Products.blasHeldBelow512(null));
        org.junit.jupiter.api.Assertions.assertFalse(Products.blasHeldBelow512(""));
        org.junit.jupiter.api.Assertions.assertFalse(Products.blasHeldBelow512("SkylakeX"));
        org.junit.jupiter.api.Assertions.assertFalse(Products.blasHeldBelow512("cooperlake"));
        org.junit.jupiter.api.Assertions.assertFalse(Products.blasHeldBelow512("SapphireRapids"));
        org.junit.jupiter.api.Assertions.assertFalse(Products.own(null), "no own kernels, no own product");
        org.junit.jupiter.api.Assertions.assertFalse(Products.own(FloatKernels.scalar()),
                "the scalar kernels have no product");
        FloatKernels vector = FloatKernels.vector();
        if (vector != null && vector.matmulName() != null) {
            assertEquals(Products.blasHeldBelow512(System.getenv("OPENBLAS_CORETYPE")),
                    Products.own(vector), "under auto, the environment's OPENBLAS_CORETYPE decides");
        }
    }

    /**
     * Fused runs (bias and softplus, bias and exp) and the fused normal densities, on the own kernels, against
     * today's unfused tape on ND4J's kernels: the same tolerances.
     */
    @Test
    void theVaeGradientIsUnchangedByFusion() {
        Nd4jKernels.useOwnKernels(true);
        Tensor[] fused = elboAndGradient(true, true);
        Nd4jKernels.useOwnKernels(false);
        Fusion.enable(false);
        Tensor[] plain;
        try {
            plain = elboAndGradient(true, false);
        } finally {
            Fusion.enable(true);
        }
        agree(fused, plain);
    }

    private static void agree(Tensor[] own, Tensor[] nd4j) {
        double e = nd4j[0].get(0);
        assertTrue(Double.isFinite(e) && e < 0, "ELBO " + e);
        assertEquals(e, own[0].get(0), 1e-5 * Math.abs(e), "ELBO");
        int differing = 0; // the two paths must really differ (else this test compares ND4J with itself)
        for (int i = 1; i < own.length; i++) {
            double[] a = own[i].toArray();
            double[] b = nd4j[i].toArray();
            assertEquals(b.length, a.length);
            double max = 0;
            for (double v : b) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 0, "parameter " + (i - 1) + " has a zero gradient");
            for (int j = 0; j < a.length; j++) {
                assertEquals(b[j], a[j], 1e-4 * max, "parameter " + (i - 1) + " element " + j);
                differing += a[j] != b[j] ? 1 : 0;
            }
        }
        assertTrue(differing > 0, "no gradient element differs: the own kernels did not run");
    }
}
