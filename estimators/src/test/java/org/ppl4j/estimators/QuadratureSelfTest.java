package org.ppl4j.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ppl4j.estimators.Harness.Domain;

/**
 * The numerical tools the proof suite computes exact gradients with, checked against closed forms: if these
 * pass, an expectation by {@link Harness#expectation} is good to about 1e-11 and a gradient by
 * {@link Harness#fdGradient} to about 1e-8, far below any standard error the suite uses (the smallest is about
 * 1e-3).
 */
class QuadratureSelfTest {
    @Test
    void integratesSmoothAndEndpointSingularFunctions() {
        assertEquals(2.0, Harness.integrate(Math::sin, 0, Math.PI), 1e-13);
        assertEquals(2.0, Harness.integrate(x -> 1 / Math.sqrt(x), 0, 1), 1e-11);
        assertEquals(Math.PI, Harness.integrateReal(x -> 1 / (1 + x * x), 0.7), 1e-11);
        assertEquals(Math.sqrt(2 * Math.PI), Harness.integrateReal(x -> Math.exp(-0.5 * x * x), -0.3), 1e-12);
        assertEquals(1.0, Harness.integrateFrom(x -> Math.exp(-x), 0), 1e-13);
    }

    @Test
    void expectationsMatchClosedForms() {
        // normal(0.3, 1.2): E x^2 = mu^2 + sigma^2; E cos x = cos(mu) exp(-sigma^2 / 2)
        double mu = 0.3;
        double s = 1.2;
        assertEquals(mu * mu + s * s, Harness.expectation(x -> -0.5 * (x - mu) * (x - mu) / (s * s), x -> x * x,
                Domain.REAL, mu), 1e-11);
        assertEquals(Math.cos(mu) * Math.exp(-0.5 * s * s), Harness.expectation(
                x -> -0.5 * (x - mu) * (x - mu) / (s * s), Math::cos, Domain.REAL, mu), 1e-11);
        // lognormal(0.2, 0.5): E x^2 = exp(2 mu + 2 sigma^2)
        assertEquals(Math.exp(2 * 0.2 + 2 * 0.25), Harness.expectation(Cases.logNormalLogDensity(0.2, 0.5),
                x -> x * x, Domain.POSITIVE, 1), 1e-10);
        // beta(2, 3): E x^2 = a (a + 1) / ((a + b)(a + b + 1))
        assertEquals(2.0 * 3 / (5 * 6), Harness.expectation(Cases.betaLogDensity(2, 3), x -> x * x,
                Domain.UNIT, 0.5), 1e-12);
        // cauchy(0.4, 0.7): E 1/(1 + x^2) = (1 + s) / ((1 + s)^2 + loc^2)
        assertEquals(1.7 / (1.7 * 1.7 + 0.16), Harness.expectation(Cases.cauchyLogDensity(0.4, 0.7),
                x -> 1 / (1 + x * x), Domain.REAL, 0.4), 1e-10);
        // studentt(6, 0.3, 1.1): E cos x by its scale-mixture form agrees with the direct (oscillating) quadrature
        assertEquals(Harness.expectation(Cases.studentTLogDensity(6, 0.3, 1.1), Math::cos, Domain.REAL, 0.3),
                Cases.studentTCosExpectation(6, 0.3, 1.1), 1e-7);
        // studentt(6, 0.3, 1.1): E x^2 = loc^2 + scale^2 df / (df - 2)
        assertEquals(0.09 + 1.21 * 6 / 4, Harness.expectation(Cases.studentTLogDensity(6, 0.3, 1.1),
                x -> x * x, Domain.REAL, 0.3), 1e-10);
        // halfcauchy(0.8): E 1/(1 + x^2) = 1 / (1 + scale)
        assertEquals(1 / 1.8, Harness.expectation(Cases.halfCauchyLogDensity(0.8), x -> 1 / (1 + x * x),
                Domain.POSITIVE, 1), 1e-10);
        // gamma(2.5, 1.5): E exp(-x/2) = (rate / (rate + 1/2))^shape
        assertEquals(Math.pow(1.5 / 2.0, 2.5), Harness.expectation(Cases.gammaLogDensity(2.5, 1.5),
                x -> Math.exp(-x / 2), Domain.POSITIVE, 1), 1e-11);
    }

    @Test
    void finiteDifferencesOfExactExpectations() {
        // d/dmu, d/dsigma of E cos x under normal(mu, sigma)
        double[] g = Harness.fdGradient(t -> Math.cos(t[0]) * Math.exp(-0.5 * t[1] * t[1]), new double[] {0.3, 1.2});
        assertEquals(-Math.sin(0.3) * Math.exp(-0.72), g[0], 1e-10);
        assertEquals(-1.2 * Math.cos(0.3) * Math.exp(-0.72), g[1], 1e-10);
        // through quadrature: d/dscale of E 1/(1 + x^2) under halfcauchy(scale) = -1 / (1 + scale)^2
        double[] h = Harness.fdGradient(t -> Harness.expectation(Cases.halfCauchyLogDensity(t[0]),
                x -> 1 / (1 + x * x), Domain.POSITIVE, 1), new double[] {0.8});
        assertEquals(-1 / (1.8 * 1.8), h[0], 1e-7);
    }
}
