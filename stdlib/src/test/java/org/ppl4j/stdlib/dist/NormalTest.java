package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;

class NormalTest {
    /** The density (2 pi sigma^2)^(-1/2) exp(-(x - mu)^2 / (2 sigma^2)), evaluated and then logged. */
    private static double logPdf(double x, double mu, double sigma) {
        return Math.log(Math.exp(-(x - mu) * (x - mu) / (2 * sigma * sigma)) / Math.sqrt(2 * Math.PI * sigma * sigma));
    }

    @Test
    void logDensityMatchesClosedForm() {
        assertLogDensity(logPdf(1.7, 0.5, 2.0), new Normal(0.5, 2.0).logDensity(1.7));
        assertLogDensity(logPdf(-3.0, 1.0, 0.3), new Normal(1.0, 0.3).logDensity(-3.0));
        assertLogDensity(logPdf(0.0, 0.0, 1.0), Normal.create(0.0, 1.0).logDensity(0));
        assertOutsideSupport(new Normal(0.0, 1.0), Double.NaN);
    }

    /** Seed 11, N = 20000, normal(1.5, 2): mean within 5 SE, variance within 5 sqrt((3 sigma^4 - sigma^4) / N). */
    @Test
    void sampleMoments() {
        double sigma = 2.0;
        assertMoments(new Normal(1.5, sigma), 11, 1.5, sigma * sigma, 3 * Math.pow(sigma, 4));
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("normal", "sigma", () -> new Normal(0.0, -1.0));
        assertRejects("normal", "sigma", () -> new Normal(0.0, 0.0));
        assertRejects("normal", "sigma", () -> new Normal(0.0, Double.NaN));
        assertRejects("normal", "mu", () -> new Normal(Double.NaN, 1.0));
        assertRejects("normal", "mu", () -> new Normal(Double.POSITIVE_INFINITY, 1.0));
        assertRejects("normal", "sigma", () -> new Normal(0.0, Tensor.vector(1.0, -2.0)));
        var e = assertRejects("normal", "sigma", () -> Normal.create(0.0, -1.0));
        assertEquals("normal: argument 'sigma' must be a positive finite number, got -1", e.getMessage());
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments: mu, sigma, x
        assertGradient(a -> new Normal(a[0], a[1]).logDensity(a[2]), 0.3, 1.7, -0.8);
        assertGradient(a -> new Normal(a[0], a[1]).logDensity(a[2]), -2.0, 0.4, 1.1);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new Normal(a[0], a[1]), 42, 0.3, 1.7);
        assertReparamGradient(a -> new Normal(a[0], a[1]), 7, -1.0, 0.2);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Normal(a[0], a[1]),
                new double[][] {{0.1, -0.4, 2.0}, {0.5, 1.2, 3.0}}, new double[] {0.3, 0.2, -1.0}, true);
        // a scalar sigma broadcast over a vector mu
        assertTensorMatchesScalars(a -> new Normal(a[0], a[1]),
                new double[][] {{0.1, -0.4, 2.0}, {0.7}}, new double[] {0.3, 0.2, -1.0}, true);
    }

    @Test
    void tensorReparamSampleMatchesSampleAndCarriesGradient() {
        Tensor mu = Tensor.vector(0.0, 1.0, -2.0);
        Object primal = new Normal(mu, 0.5).sample(new Rng(3));
        Tape tape = new Tape();
        TensorVar m = tape.leaf(mu);
        Object draw = new Normal(m, 0.5).reparamSample(new Rng(3));
        assertEquals(primal, AD.value(draw));
        tape.backward(AD.sum(draw));
        assertEquals(Tensor.vector(1.0, 1.0, 1.0), m.adjoint(), "d(sum of mu + sigma eps) / d mu = 1");
    }

    @Test
    void scalarXUnderTensorParametersBroadcasts() {
        Object lp = new Normal(Tensor.vector(0.0, 1.0), 1.0).logDensity(0.5);
        assertLogDensity(logPdf(0.5, 0.0, 1.0) + logPdf(0.5, 1.0, 1.0), lp);
    }
}
