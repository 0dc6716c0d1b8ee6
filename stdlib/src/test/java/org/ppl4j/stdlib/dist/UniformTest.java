package org.ppl4j.stdlib.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;

class UniformTest {
    @Test
    void logDensityMatchesClosedForm() {
        // density 1 / (high - low) on [low, high]
        assertLogDensity(Math.log(1 / 5.0), new Uniform(-2.0, 3.0).logDensity(0.5));
        assertLogDensity(Math.log(1 / 0.25), new Uniform(1.0, 1.25).logDensity(1.0)); // endpoint included
        assertLogDensity(Math.log(1 / 0.25), new Uniform(1.0, 1.25).logDensity(1.25));
        assertOutsideSupport(new Uniform(-2.0, 3.0), 3.5);
        assertOutsideSupport(new Uniform(-2.0, 3.0), -2.01);
    }

    @Test
    void supportIsTheInterval() {
        assertTrue(new Uniform(-2.0, 3.0).support().contains(-2.0));
        assertFalse(new Uniform(-2.0, 3.0).support().contains(3.01));
    }

    /** Seed 13, N = 20000, uniform(-2, 3): variance w^2 / 12, fourth central moment w^4 / 80 (w = 5). */
    @Test
    void sampleMoments() {
        double w = 5.0;
        assertMoments(new Uniform(-2.0, 3.0), 13, 0.5, w * w / 12, Math.pow(w, 4) / 80);
    }

    @Test
    void rejectsBadParameters() {
        var e = assertRejects("uniform", "high", () -> new Uniform(1.0, 1.0));
        assertTrue(e.getMessage().contains("greater than low"), e.getMessage());
        assertRejects("uniform", "high", () -> new Uniform(2.0, 1.0));
        assertRejects("uniform", "high", () -> Uniform.create(Tensor.vector(0.0, 5.0), Tensor.vector(1.0, 4.0)));
        assertRejects("uniform", "low", () -> new Uniform(Double.NaN, 1.0));
        assertRejects("uniform", "high", () -> new Uniform(0.0, Double.POSITIVE_INFINITY));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        // arguments low, high, x; the gradient with respect to x is zero
        assertGradient(a -> new Uniform(a[0], a[1]).logDensity(a[2]), -2.0, 3.0, 0.5);
        assertGradient(a -> new Uniform(a[0], a[1]).logDensity(a[2]), 0.1, 0.35, 0.2);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new Uniform(a[0], a[1]), 42, -2.0, 3.0);
        assertReparamGradient(a -> new Uniform(a[0], a[1]), 5, 0.1, 0.35);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Uniform(a[0], a[1]),
                new double[][] {{0.0, -1.0, 2.0}, {1.0, 4.0, 2.5}}, new double[] {0.5, 3.9, 2.0}, true);
        // element 1's x is inside the hull of the intervals but outside its own
        assertOutsideSupport(new Uniform(Tensor.vector(0.0, 2.0), Tensor.vector(1.0, 3.0)), Tensor.vector(0.5, 1.5));
    }

    @Test
    void densityNotInvolvingXStillCountsEveryElement() {
        // scalar parameters, three iid x: 3 * -log(2)
        assertLogDensity(3 * Math.log(0.5), new Uniform(0.0, 2.0).logDensity(Tensor.vector(0.1, 1.0, 1.9)));
        assertEquals(Double.NEGATIVE_INFINITY, (double) (Double) new Uniform(0.0, 2.0).logDensity(Tensor.vector(0.1, 2.1)));
    }
}
