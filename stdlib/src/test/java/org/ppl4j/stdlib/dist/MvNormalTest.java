package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.N;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertVectorGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.drawVectors;

import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.ShapeException;
import org.ppl4j.runtime.ad.Tensor;

class MvNormalTest {
    private static final double[] LOC = {0.5, -1.0, 2.0};
    /** A lower-triangular factor with a positive diagonal, row-major. */
    private static final double[] TRIL = {1.2, 0, 0, -0.4, 0.8, 0, 0.3, 0.5, 1.5};

    private static Tensor matrix(int d, double... rowMajor) {
        return new Tensor(new int[] {d, d}, rowMajor);
    }

    /** Row-major flat indices on or below the diagonal of a [3, 3] matrix. */
    private static final IntPredicate LOWER = i -> i % 3 <= i / 3;

    /** S = L L^T. */
    private static double[][] covariance(int d, double[] l) {
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    s[i][j] += l[i * d + k] * l[j * d + k];
                }
            }
        }
        return s;
    }

    /**
     * (2 pi)^(-d/2) det(S)^(-1/2) exp(-r^T S^-1 r / 2), r = x - mu, S = L L^T inverted by cofactors (d = 2 or 3),
     * evaluated and then logged.
     */
    private static double logPdf(double[] x, double[] mu, double[] l) {
        int d = mu.length;
        double[][] s = covariance(d, l);
        double det;
        double[][] inv = new double[d][d];
        if (d == 2) {
            det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
            inv[0][0] = s[1][1] / det;
            inv[1][1] = s[0][0] / det;
            inv[0][1] = -s[0][1] / det;
            inv[1][0] = -s[1][0] / det;
        } else {
            det = 0;
            for (int j = 0; j < 3; j++) {
                det += s[0][j] * cofactor(s, 0, j);
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    inv[i][j] = cofactor(s, j, i) / det;
                }
            }
        }
        double q = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q += (x[i] - mu[i]) * inv[i][j] * (x[j] - mu[j]);
            }
        }
        return Math.log(Math.exp(-0.5 * q) / Math.sqrt(Math.pow(2 * Math.PI, d) * det));
    }

    private static double cofactor(double[][] s, int row, int col) {
        int r0 = row == 0 ? 1 : 0;
        int r1 = row == 2 ? 1 : 2;
        int c0 = col == 0 ? 1 : 0;
        int c1 = col == 2 ? 1 : 2;
        double minor = s[r0][c0] * s[r1][c1] - s[r0][c1] * s[r1][c0];
        return (row + col) % 2 == 0 ? minor : -minor;
    }

    @Test
    void logDensityMatchesClosedForm() {
        double[] x = {0.1, -0.3, 2.6};
        assertLogDensity(logPdf(x, LOC, TRIL),
                new MvNormal(Tensor.vector(LOC), matrix(3, TRIL)).logDensity(Tensor.vector(x)));
        double[] x2 = {-2.0, 1.0, 0.0};
        assertLogDensity(logPdf(x2, LOC, TRIL),
                MvNormal.create(Tensor.vector(LOC), matrix(3, TRIL)).logDensity(Tensor.vector(x2)));
        double[] l2 = {0.5, 0, 2.0, 3.0};
        assertLogDensity(logPdf(new double[] {1.0, 4.0}, new double[] {0.0, 1.0}, l2),
                new MvNormal(Tensor.vector(0.0, 1.0), matrix(2, l2)).logDensity(Tensor.vector(1.0, 4.0)));
        // one dimension: the normal
        assertLogDensity(AD.scalarValue(new Normal(0.5, 2.0).logDensity(1.7)),
                new MvNormal(Tensor.vector(0.5), matrix(1, 2.0)).logDensity(Tensor.vector(1.7)));
        assertOutsideSupport(new MvNormal(Tensor.vector(0.0, 1.0), matrix(2, l2)), Tensor.vector(Double.NaN, 0.0));
        var shape = assertThrows(ShapeException.class,
                () -> new MvNormal(Tensor.vector(LOC), matrix(3, TRIL)).logDensity(Tensor.vector(1, 2)));
        assertTrue(shape.getMessage().startsWith("mvnormal: a value must be a vector of length 3"), shape.getMessage());
    }

    /**
     * Seed 91, N = 20000 draws of mvnormal(LOC, L): each mean within 5 sqrt(S_ii / N), and each sample covariance
     * within 5 sqrt((S_ii S_jj + S_ij^2) / N), five times the asymptotic standard deviation of the sample
     * covariance of a normal pair (the variance of (x_i - mu_i)(x_j - mu_j)).
     */
    @Test
    void sampleMomentsAndCovariance() {
        MvNormal d = new MvNormal(Tensor.vector(LOC), matrix(3, TRIL));
        double[][] s = covariance(3, TRIL);
        double[][] xs = drawVectors(d, 91, 3);
        double[] m = new double[3];
        for (double[] x : xs) {
            for (int i = 0; i < 3; i++) {
                m[i] += x[i] / N;
            }
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(LOC[i], m[i], 5 * Math.sqrt(s[i][i] / N), "mean " + i);
            for (int j = 0; j <= i; j++) {
                double c = 0;
                for (double[] x : xs) {
                    c += (x[i] - m[i]) * (x[j] - m[j]);
                }
                c /= N - 1;
                double bound = 5 * Math.sqrt((s[i][i] * s[j][j] + s[i][j] * s[i][j]) / N);
                assertEquals(s[i][j], c, bound, "covariance " + i + ", " + j);
            }
        }
        assertArrayEquals(LOC, d.meanVector().toArray(), 0.0);
        assertArrayEquals(new double[] {s[0][0], s[1][1], s[2][2]}, d.varianceVector().toArray(), 1e-15);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(s[i][j], d.covariance().get(i * 3 + j), 1e-15);
            }
        }
        assertThrows(UnsupportedOperationException.class, d::mean);
        assertThrows(UnsupportedOperationException.class, d::variance);
    }

    @Test
    void rejectsBadParameters() {
        Tensor loc = Tensor.vector(LOC);
        var diagonal = assertRejects("mvnormal", "scale_tril",
                () -> new MvNormal(loc, matrix(3, 1.2, 0, 0, -0.4, 0.0, 0, 0.3, 0.5, 1.5)));
        assertEquals("mvnormal: argument 'scale_tril' must be positive on the diagonal, got 0", diagonal.getMessage());
        assertRejects("mvnormal", "scale_tril", () -> new MvNormal(loc, matrix(3, 1.2, 0, 0, -0.4, -0.8, 0, 0.3, 0.5, 1.5)));
        var upper = assertRejects("mvnormal", "scale_tril",
                () -> new MvNormal(loc, matrix(3, 1.2, 0.5, 0, -0.4, 0.8, 0, 0.3, 0.5, 1.5)));
        assertEquals("mvnormal: argument 'scale_tril' must be lower triangular (zero above the diagonal), got 0.5",
                upper.getMessage());
        assertRejects("mvnormal", "scale_tril",
                () -> new MvNormal(loc, matrix(3, 1.2, 0, 0, Double.NaN, 0.8, 0, 0.3, 0.5, 1.5)));
        assertRejects("mvnormal", "loc",
                () -> MvNormal.create(Tensor.vector(0, Double.POSITIVE_INFINITY, 0), matrix(3, TRIL)));
        var scalar = assertThrows(IllegalArgumentException.class, () -> new MvNormal(0.0, matrix(1, 1.0)));
        assertEquals("mvnormal: argument 'loc' must be a non-empty vector, got a number", scalar.getMessage());
        var shape = assertThrows(IllegalArgumentException.class, () -> new MvNormal(loc, matrix(2, 1, 0, 0, 1)));
        assertEquals("mvnormal: argument 'scale_tril' must be a [3, 3] matrix (d = the length of 'loc'), got a tensor"
                + " of shape [2, 2]", shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MvNormal(loc, Tensor.vector(1, 1, 1)));
        var missing = assertThrows(IllegalArgumentException.class, () -> MvNormal.create(loc));
        assertEquals("mvnormal: missing argument 'scale_tril'", missing.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        Tensor x = Tensor.vector(0.1, -0.3, 2.6);
        Tensor l = matrix(3, TRIL);
        assertVectorGradient(m -> new MvNormal(m, l).logDensity(x), LOC);
        assertTensorGradient(f -> new MvNormal(Tensor.vector(LOC), f).logDensity(x), l, LOWER);
        MvNormal d = new MvNormal(Tensor.vector(LOC), l);
        assertVectorGradient(d::logDensity, x.toArray());
        assertVectorGradient(d::logDensity, new double[] {-2.0, 1.0, 0.0});
    }

    @Test
    void reparameterisedSampleGradient() {
        Tensor l = matrix(3, TRIL);
        MvNormal d = new MvNormal(Tensor.vector(LOC), l);
        assertEquals(d.sample(new Rng(92)), AD.value(d.reparamSample(new Rng(92))), "reparamSample and sample agree");
        // a fixed weighting of the draw gives a scalar; the same seed on both sides of each difference
        Tensor w = Tensor.vector(0.7, -1.3, 2.1);
        assertVectorGradient(m -> AD.sum(AD.mul(w, new MvNormal(m, l).reparamSample(new Rng(93)))), LOC);
        assertTensorGradient(f -> AD.sum(AD.mul(w, new MvNormal(Tensor.vector(LOC), f).reparamSample(new Rng(94)))),
                l, LOWER);
    }
}
