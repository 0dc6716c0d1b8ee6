package org.ppl4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The hand-written baseline computes the gradient it claims to, and its Adam is the textbook one. */
class HandWrittenVaeTest {
    @BeforeAll
    static void oneThread() {
        Nd4j.getEnvironment().setMaxThreads(1);
    }

    private static HandWrittenVae small() {
        return new HandWrittenVae(6, 5, 3, 12, DataType.DOUBLE, 7);
    }

    private static INDArray binaryBatch(int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.5).castTo(DataType.DOUBLE);
    }

    /**
     * Every partial derivative (127 of them, small dimensions, float64, fixed noise) against a central finite
     * difference with step 1e-5: the truncation error is O(h^2) ~ 1e-10 relative, rounding ~ 1e-16 / 1e-5, so
     * 1e-6 relative (to the gradient's largest entry) leaves a wide margin while catching any wrong term. The
     * reparameterisation gradient is the derivative of the objective itself.
     */
    @Test
    void reparamGradientMatchesFiniteDifferences() {
        HandWrittenVae vae = small().gradient(HandWrittenVae.Gradient.REPARAM);
        INDArray x = binaryBatch(4, 6, 3);
        INDArray eps = noise(4, 3, 5);
        checkAgainstFiniteDifferences(vae, vae.evaluate(x, eps), () -> vae.evaluate(x, eps).objective());
    }

    /**
     * The path derivative is the derivative of the surrogate whose log q keeps the encoder's mean and log scale
     * fixed (at their values for this batch) while z = mu + sigma eps moves: same check, same bound.
     */
    @Test
    void pathGradientMatchesFiniteDifferencesOfTheSurrogate() {
        HandWrittenVae vae = small().gradient(HandWrittenVae.Gradient.PATH);
        INDArray x = binaryBatch(4, 6, 3);
        INDArray eps = noise(4, 3, 5);
        INDArray[] q = vae.encode(x);
        INDArray mu = q[0].dup();
        INDArray logSigma = q[1].dup();
        HandWrittenVae.Evaluation at = vae.evaluate(x, eps);
        assertEquals(at.objective(), vae.surrogate(x, eps, mu, logSigma), 1e-9, "the surrogate's value is the objective's");
        checkAgainstFiniteDifferences(vae, at, () -> vae.surrogate(x, eps, mu, logSigma));
        // and it is a different gradient: the encoder's direct terms are gone
        HandWrittenVae.Evaluation full = small().gradient(HandWrittenVae.Gradient.REPARAM).evaluate(x, eps);
        assertTrue(full.gradients()[3].sub(at.gradients()[3]).amaxNumber().doubleValue() > 1e-3,
                "the path and reparameterisation gradients of b21 differ");
    }

    private static INDArray noise(int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, cols);
    }

    private static void checkAgainstFiniteDifferences(HandWrittenVae vae, HandWrittenVae.Evaluation at,
            java.util.function.DoubleSupplier f) {
        double h = 1e-5;
        int checked = 0;
        for (int i = 0; i < vae.params().length; i++) {
            INDArray p = vae.params()[i];
            INDArray g = at.gradients()[i];
            double largest = Math.max(1, g.amaxNumber().doubleValue());
            for (long k = 0; k < p.length(); k++) {
                double saved = p.getDouble(k);
                p.putScalar(k, saved + h);
                double up = f.getAsDouble();
                p.putScalar(k, saved - h);
                double down = f.getAsDouble();
                p.putScalar(k, saved);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, g.getDouble(k), 1e-6 * largest,
                        HandWrittenVae.paramName(i) + "[" + k + "]: finite difference " + numeric + ", backprop "
                                + g.getDouble(k));
                checked++;
            }
        }
        assertEquals(6 * 5 + 5 + 5 * 3 + 3 + 5 * 3 + 3 + 3 * 5 + 5 + 5 * 6 + 6, checked);
    }

    /** The objective itself, computed term by term with plain loops from the same noise, at one data point. */
    @Test
    void objectiveIsTheSingleSampleElbo() {
        HandWrittenVae vae = new HandWrittenVae(6, 5, 3, 12, DataType.DOUBLE, 9);
        INDArray x = binaryBatch(1, 6, 4);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 1, 3);
        double[][] w1 = vae.params()[0].toDoubleMatrix();
        double[] b1 = vae.params()[1].toDoubleVector();
        double[][] w21 = vae.params()[2].toDoubleMatrix();
        double[] b21 = vae.params()[3].toDoubleVector();
        double[][] w22 = vae.params()[4].toDoubleMatrix();
        double[] b22 = vae.params()[5].toDoubleVector();
        double[][] w3 = vae.params()[6].toDoubleMatrix();
        double[] b3 = vae.params()[7].toDoubleVector();
        double[][] w4 = vae.params()[8].toDoubleMatrix();
        double[] b4 = vae.params()[9].toDoubleVector();
        double[] xs = x.toDoubleVector();
        double[] hid = affineSoftplus(xs, w1, b1);
        double[] mu = affine(hid, w21, b21);
        double[] logSigma = affine(hid, w22, b22);
        double logJoint = 0;
        double logQ = 0;
        double[] z = new double[3];
        for (int k = 0; k < 3; k++) {
            double sigma = Math.exp(logSigma[k]);
            z[k] = mu[k] + sigma * eps.getDouble(0, k);
            logJoint += -0.5 * z[k] * z[k] - 0.5 * Math.log(2 * Math.PI);
            double u = (z[k] - mu[k]) / sigma;
            logQ += -0.5 * u * u - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        }
        double[] logits = affine(affineSoftplus(z, w3, b3), w4, b4);
        for (int p = 0; p < 6; p++) {
            double probability = 1 / (1 + Math.exp(-logits[p]));
            logJoint += Math.log(xs[p] == 1 ? probability : 1 - probability);
        }
        assertEquals(12 * (logJoint - logQ), vae.evaluate(x, eps).objective(), 1e-9);
    }

    private static double[] affine(double[] in, double[][] w, double[] b) {
        double[] out = b.clone();
        for (int j = 0; j < out.length; j++) {
            for (int i = 0; i < in.length; i++) {
                out[j] += in[i] * w[i][j];
            }
        }
        return out;
    }

    private static double[] affineSoftplus(double[] in, double[][] w, double[] b) {
        double[] out = affine(in, w, b);
        for (int j = 0; j < out.length; j++) {
            out[j] = Math.log1p(Math.exp(out[j]));
        }
        return out;
    }

    /** Softplus stays finite where ND4J's own overflows (float32 beyond 88). */
    @Test
    void softplusIsStable() {
        INDArray a = Nd4j.createFromArray(-200f, -20f, 0f, 20f, 100f, 200f);
        float[] got = HandWrittenVae.softplus(a).toFloatVector();
        double[] want = {0, 2.061e-9, Math.log(2), 20, 100, 200};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * Math.max(1, want[i]), "softplus(" + a.getFloat(i) + ")");
        }
    }

    /**
     * Two Adam steps with given gradients against the textbook update
     * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p += lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}.
     */
    @Test
    void adamIsTheTextbookUpdate() {
        HandWrittenVae vae = small();
        vae.learningRate(0.1);
        int n = vae.params().length;
        double[][] p = new double[n][];
        double[][] m = new double[n][];
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = vae.params()[i].dup().data().asDouble();
            m[i] = new double[p[i].length];
            v[i] = new double[p[i].length];
        }
        for (int t = 1; t <= 2; t++) {
            Nd4j.getRandom().setSeed(20 + t);
            INDArray[] g = new INDArray[n];
            for (int i = 0; i < n; i++) {
                // tiny entries too: with them the placement of eps matters
                g[i] = Nd4j.randn(DataType.DOUBLE, vae.params()[i].shape()).muli(t == 1 ? 1 : 1e-7);
                double[] gs = g[i].dup().data().asDouble();
                for (int k = 0; k < gs.length; k++) {
                    m[i][k] = 0.9 * m[i][k] + 0.1 * gs[k];
                    v[i][k] = 0.999 * v[i][k] + 0.001 * gs[k] * gs[k];
                    double mHat = m[i][k] / (1 - Math.pow(0.9, t));
                    double vHat = v[i][k] / (1 - Math.pow(0.999, t));
                    p[i][k] += 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
                }
            }
            vae.ascend(g);
            for (int i = 0; i < n; i++) {
                double[] got = vae.params()[i].dup().data().asDouble();
                for (int k = 0; k < got.length; k++) {
                    assertEquals(p[i][k], got[k], 1e-12, HandWrittenVae.paramName(i) + "[" + k + "] at step " + t);
                }
            }
        }
    }

    /**
     * Two hundred steps on real images raise the ELBO. Before and after are estimated on the same 256 training
     * images with the same noise (common random numbers), 8 draws each, so the comparison's noise is far below
     * the margin: a VAE starts near -543 nats per image (784 log 2 with logits near 0) and 200 steps take it
     * well above -400; the test asks for 60 nats of improvement.
     */
    @Test
    void trainingRaisesTheElbo() throws Exception {
        Path dir = FashionMnist.locate(Path.of(""));
        Assumptions.assumeTrue(dir != null, "no Fashion-MNIST: neither " + FashionMnist.DEBIAN + " nor "
                + FashionMnist.SUBSET);
        FashionMnist.Images images = FashionMnist.trainImages(dir, 256);
        assertEquals(256, images.count(), "the data has fewer than 256 images: " + dir);
        INDArray data = Nd4j.createFromArray(images.values()).reshape(256, 784);
        HandWrittenVae vae = HandWrittenVae.fashionMnist(256, 1);
        double before = elboPerImage(vae, data);
        for (int epoch = 0; epoch < 100; epoch++) {
            vae.epoch(data, 128);
        }
        double after = elboPerImage(vae, data);
        assertTrue(before < -400, "an untrained VAE is near -543 nats per image, got " + before);
        assertTrue(after > before + 60, "200 steps moved the ELBO per image from " + before + " to " + after);
    }

    private static double elboPerImage(HandWrittenVae vae, INDArray data) {
        Nd4j.getRandom().setSeed(99);
        double total = 0;
        int draws = 8;
        for (int d = 0; d < draws; d++) {
            for (int b = 0; b < 2; b++) {
                INDArray eps = Nd4j.randn(DataType.FLOAT, 128, 20);
                // the objective is scaled by N / B = 2: divide to get the batch's sum, then per image below
                total += vae.evaluate(HandWrittenVae.batch(data, b, 128), eps).objective() / 2;
            }
        }
        return total / draws / 256;
    }
}
