package org.ppl4j.stdlib.dist;

import static org.ppl4j.stdlib.dist.DistTestSupport.assertGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertLogDensity;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertMoments;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertOutsideSupport;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertRejects;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertReparamGradient;
import static org.ppl4j.stdlib.dist.DistTestSupport.assertTensorMatchesScalars;

import org.junit.jupiter.api.Test;

class ExponentialTest {
    @Test
    void logDensityMatchesClosedForm() {
        // density rate e^(-rate x), evaluated and then logged
        assertLogDensity(Math.log(2.5 * Math.exp(-2.5 * 0.7)), new Exponential(2.5).logDensity(0.7));
        assertLogDensity(Math.log(0.1 * Math.exp(-0.1 * 30.0)), Exponential.create(0.1).logDensity(30.0));
        assertOutsideSupport(new Exponential(1.0), -0.5);
        assertOutsideSupport(new Exponential(1.0), 0.0); // the support is the positive reals
    }

    /** Seed 14, N = 20000, exponential(2.5): mean 1/r, variance 1/r^2, fourth central moment 9/r^4. */
    @Test
    void sampleMoments() {
        double r = 2.5;
        assertMoments(new Exponential(r), 14, 1 / r, 1 / (r * r), 9 / Math.pow(r, 4));
    }

    @Test
    void rejectsBadParameters() {
        assertRejects("exponential", "rate", () -> new Exponential(0.0));
        assertRejects("exponential", "rate", () -> new Exponential(-3.0));
        assertRejects("exponential", "rate", () -> Exponential.create(Double.NaN));
    }

    @Test
    void gradientOfLogDensityMatchesFiniteDifferences() {
        assertGradient(a -> new Exponential(a[0]).logDensity(a[1]), 2.5, 0.7);
        assertGradient(a -> new Exponential(a[0]).logDensity(a[1]), 0.1, 30.0);
    }

    @Test
    void reparameterisedSampleGradient() {
        assertReparamGradient(a -> new Exponential(a[0]), 42, 2.5);
        assertReparamGradient(a -> new Exponential(a[0]), 8, 0.3);
    }

    @Test
    void tensorParametersSumScalarLogDensities() {
        assertTensorMatchesScalars(a -> new Exponential(a[0]),
                new double[][] {{0.5, 1.0, 4.0}}, new double[] {2.0, 0.1, 0.3}, true);
    }
}
