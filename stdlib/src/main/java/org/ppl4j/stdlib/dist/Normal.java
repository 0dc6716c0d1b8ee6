package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** The normal distribution with mean {@code mu} and standard deviation {@code sigma > 0}. */
public final class Normal extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("normal", List.of("mu", "sigma"), 2, Set.of(Capability.REPARAMETERIZED));

    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    public Normal(Object mu, Object sigma) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "mu", mu, Params.FINITE),
                Params.checked(FAMILY.name(), "sigma", sigma, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: mu, sigma. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new Normal(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new Normal(p[0], p[1]);
    }

    public Object mu() {
        return param(0);
    }

    public Object sigma() {
        return param(1);
    }

    /** -0.5 ((x - mu) / sigma)^2 - log sigma - 0.5 log(2 pi), elementwise. */
    static Object logDensity(Object x, Object mu, Object sigma) {
        Object z = AD.div(AD.sub(x, mu), sigma);
        return AD.sub(AD.sub(AD.mul(-0.5, AD.square(z)), AD.log(sigma)), HALF_LOG_2PI);
    }

    @Override
    Object elementLogDensity(Object x) {
        return logDensity(x, mu(), sigma());
    }

    /**
     * A tensor x: sum(-0.5 z^2) minus the normalising constant, the sum of log sigma as a term of its own: as the
     * scalar form keeps constants out of the term that depends on x, so that a score reaching that term (each
     * independent element's, in a local block) does not multiply them.
     */
    @Override
    Object summedLogDensity(Object x) {
        Object sigma = sigma();
        // one node, one pass each way, where the shapes allow (x a tensor, mu and sigma of its shape or numbers)
        Object quadratic = AD.normalQuadraticSum(x, mu(), sigma);
        int n;
        if (quadratic != null) {
            n = AD.tensorValue(x).size();
        } else {
            Object z = AD.div(AD.sub(x, mu()), sigma);
            if (!AD.isTensor(z)) {
                return null;
            }
            n = AD.tensorValue(z).size();
            quadratic = AD.sum(AD.mul(-0.5, AD.square(z)));
        }
        double constant = n * HALF_LOG_2PI;
        if (!AD.isTracked(sigma)) {
            Object logs = AD.value(AD.log(sigma));
            double s = AD.isTensor(logs) ? AD.tensorValue(logs).sum() * (n / AD.tensorValue(logs).size())
                    : n * AD.scalarValue(logs);
            return AD.sub(quadratic, constant + s);
        }
        int sizeOfSigma = AD.isTensor(sigma) ? AD.tensorValue(sigma).size() : 1;
        Object logSigma = AD.mul(AD.sum(AD.log(sigma)), (double) (n / sizeOfSigma));
        return AD.sub(AD.sub(quadratic, logSigma), constant);
    }

    /**
     * -0.5 z^2 as one node (z = (x - mu) / sigma), minus log sigma and 0.5 log(2 pi) as before: constants stay out
     * of the node and log sigma is a term of its own where sigma is tracked, so Rao-Blackwellisation splits the
     * density as it splits the elementary operations (a constant inside a term would reach that term's score).
     */
    @Override
    Object scalarLogDensity(Object x, double v, double[] p) {
        double mu = p[0];
        double sigma = p[1];
        double z = (v - mu) / sigma;
        Object sigmaParam = param(1);
        Object quadratic = Var.fused(-0.5 * z * z, x, -z / sigma, param(0), z / sigma, sigmaParam, z * z / sigma);
        if (!(sigmaParam instanceof Var)) {
            return AD.sub(quadratic, Math.log(sigma) + HALF_LOG_2PI);
        }
        return AD.sub(AD.sub(quadratic, AD.log(sigmaParam)), HALF_LOG_2PI);
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return p[0] + p[1] * rng.nextGaussian();
    }

    @Override
    public Object reparamSample(Rng rng) {
        return AD.add(mu(), AD.mul(sigma(), noise(rng, Rng::nextGaussian)));
    }

    @Override
    public Support support() {
        return Support.REAL;
    }

    @Override
    double meanElement(double[] p) {
        return p[0];
    }

    @Override
    double varianceElement(double[] p) {
        return p[1] * p[1];
    }
}
