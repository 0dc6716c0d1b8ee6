package org.ppl4j.examples.autoguide;

/**
 * Exact posterior moments of mu and tau in eight schools (mu ~ Normal(0, 5), tau ~ HalfCauchy(5)): theta
 * integrates out, y_j | mu, tau ~ Normal(mu, sqrt(sigma_j^2 + tau^2)), and the 2-d integrals over mu and log tau
 * are sums on a fine grid.
 */
final class EightSchoolsReference {
    private static final double[] Y = {28, 8, -3, 7, -1, 1, 18, 12};
    private static final double[] SIGMA = {15, 10, 16, 11, 9, 11, 10, 18};

    private EightSchoolsReference() {
    }

    /** {E[mu], sd(mu), E[tau], sd(tau)}. */
    static double[] moments() {
        int nm = 1401;
        int nu = 3601;
        double[] lp = new double[nm * nu];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nm; i++) {
            double mu = -30 + 0.05 * i;
            for (int j = 0; j < nu; j++) {
                double tau = Math.exp(-12 + 0.005 * j);
                // prior of mu, half-Cauchy(5) density of tau times d tau / d log tau, likelihood with theta out
                double l = -0.5 * (mu / 5) * (mu / 5) - Math.log(25 + tau * tau) + Math.log(tau);
                for (int k = 0; k < Y.length; k++) {
                    double v = SIGMA[k] * SIGMA[k] + tau * tau;
                    l += -0.5 * (Y[k] - mu) * (Y[k] - mu) / v - 0.5 * Math.log(v);
                }
                lp[i * nu + j] = l;
                max = Math.max(max, l);
            }
        }
        double z = 0;
        double m1 = 0;
        double m2 = 0;
        double t1 = 0;
        double t2 = 0;
        for (int i = 0; i < nm; i++) {
            double mu = -30 + 0.05 * i;
            for (int j = 0; j < nu; j++) {
                double tau = Math.exp(-12 + 0.005 * j);
                double w = Math.exp(lp[i * nu + j] - max);
                z += w;
                m1 += w * mu;
                m2 += w * mu * mu;
                t1 += w * tau;
                t2 += w * tau * tau;
            }
        }
        m1 /= z;
        t1 /= z;
        return new double[] {m1, Math.sqrt(m2 / z - m1 * m1), t1, Math.sqrt(t2 / z - t1 * t1)};
    }
}
