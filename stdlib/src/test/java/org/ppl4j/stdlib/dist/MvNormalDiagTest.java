package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertSampleMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertVectorGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.column;
import static org.ppl4j.stdlib.dist.DistTestSupport.drawVectors;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tensor;

class MvNormalDiagTest {
    private static final double[] LOC = {0.5, -1.0, 2.0};
    private static final double[] SCALE = {0.3, 1.0, 2.5};

    /** The sum of the normal log densities (2 pi s^2)^(-1/2) exp(-(x - m)^2 / (2 s^2)), each evaluated then logged. */
    private static double logPdf(double[] x, double[] m, double[] s) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double z = (x[i] - m[i]) / s[i];
            total += Math.log(Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI * s[i] * s[i]));
        }
        return total;
    }

    @Test
    void logDensityMatchesClosedForm() {
        double[] x = {0.1, -0.3, 4.6};
        assertLogDensity(logPdf(x, LOC, SCALE),
                new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE)).logDensity(Tensor.vector(x)));
        double[] x2 = {1.0, 2.0, -3.0};
        assertLogDensity(logPdf(x2, LOC, SCALE),
                MvNormalDiag.create(Tensor.vector(LOC), Tensor.vector(SCALE)).logDensity(Tensor.vector(x2)));
        // the mvnormal with a diagonal factor
        double[] tril = {0.3, 0, 0, 0, 1.0, 0, 0, 0, 2.5};
        Object full = new MvNormal(Tensor.vector(LOC), new Tensor(new int[] {3, 3}, tril)).logDensity(Tensor.vector(x));
        assertLogDensity(AD.scalarValue(full),
                new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE)).logDensity(Tensor.vector(x)));
    }

    @Test
    void valuesMustHaveTheEventLength() {
        MvNormalDiag d = new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE));
        // unlike a normal with vector parameters, a scalar is not broadcast
        assertThrows(ShapeException.class, () -> d.logDensity(0.5));
        assertThrows(ShapeException.class, () -> d.logDensity(Tensor.vector(0.5, 0.5)));
        assertEquals(Double.NEGATIVE_INFINITY, d.logDensity(Tensor.vector(0, Double.NaN, 0)));
    }

    /** Seed 101, N = 20000: element k normal(m_k, s_k), mean within 5 SE, variance within 5 sqrt(2 s^4 / N). */
    @Test
    void sampleMoments() {
        MvNormalDiag d = new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE));
        double[][] xs = drawVectors(d, 101, 3);
        for (int k = 0; k < 3; k++) {
            double v = SCALE[k] * SCALE[k];
            assertSampleMoments(d + " element " + k, column(xs, k), LOC[k], v, 3 * v * v);
        }
        assertArrayEquals(LOC, d.meanVector().toArray(), 0.0);
        assertArrayEquals(new double[] {0.09, 1.0, 6.25}, d.varianceVector().toArray(), 1e-15);
        assertEquals(3, d.dimension());
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("mvnormal_diag", "scale", () -> new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(1, 0, 1)));
        assertEquals("mvnormal_diag: argument 'scale' must be a positive finite number, got 0", e.getMessage());
        assertRejects("mvnormal_diag", "loc",
                () -> MvNormalDiag.create(Tensor.vector(Double.NaN, 0, 0), Tensor.vector(SCALE)));
        var length = assertThrows(IllegalArgumentException.class,
                () -> new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(1, 1)));
        assertEquals("mvnormal_diag: argument 'scale' must be a vector of the length of 'loc' (3), got a tensor of"
                + " shape [2]", length.getMessage());
        var scalar = assertThrows(IllegalArgumentException.class, () -> new MvNormalDiag(Tensor.vector(LOC), 1.0));
        assertEquals("mvnormal_diag: argument 'scale' must be a non-empty vector, got a number", scalar.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        Tensor x = Tensor.vector(0.1, -0.3, 4.6);
        assertVectorGradient(m -> new MvNormalDiag(m, Tensor.vector(SCALE)).logDensity(x), LOC);
        assertVectorGradient(s -> new MvNormalDiag(Tensor.vector(LOC), s).logDensity(x), SCALE);
        MvNormalDiag d = new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE));
        assertVectorGradient(d::logDensity, x.toArray());
    }

    @Test
    void reparameterisedSampleGradient() {
        MvNormalDiag d = new MvNormalDiag(Tensor.vector(LOC), Tensor.vector(SCALE));
        assertEquals(d.sample(new Rng(102)), AD.value(d.reparamSample(new Rng(102))), "reparamSample and sample agree");
        // a fixed weighting of the draw gives a scalar; the same seed on both sides of each difference
        Tensor w = Tensor.vector(0.7, -1.3, 2.1);
        assertVectorGradient(m -> AD.sum(AD.mul(w, new MvNormalDiag(m, Tensor.vector(SCALE)).reparamSample(new Rng(103)))),
                LOC);
        assertVectorGradient(s -> AD.sum(AD.mul(w, new MvNormalDiag(Tensor.vector(LOC), s).reparamSample(new Rng(104)))),
                SCALE);
    }
}
