package org.ppl4j.stdlib.dist;

import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/** exp(Y) for Y ~ normal(mu, sigma): a distribution on the positive reals. */
public final class LogNormal extends ElementwiseDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("lognormal", List.of("mu", "sigma"), 2, Set.of(Capability.REPARAMETERIZED));

    public LogNormal(Object mu, Object sigma) {
        super(FAMILY, FAMILY.parameters(),
                Params.checked(FAMILY.name(), "mu", mu, Params.FINITE),
                Params.checked(FAMILY.name(), "sigma", sigma, Params.POSITIVE));
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: mu, sigma (of the underlying normal). */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new LogNormal(a[0], a[1]);
    }

    @Override
    Distribution withParameters(Object[] p) {
        return new LogNormal(p[0], p[1]);
    }

    public Object mu() {
        return param(0);
    }

    public Object sigma() {
        return param(1);
    }

    /** The normal log density of log x, less log x (the Jacobian of exp). */
    @Override
    Object elementLogDensity(Object x) {
        Object logX = AD.log(x);
        return AD.sub(Normal.logDensity(logX, mu(), sigma()), logX);
    }

    @Override
    double sampleElement(double[] p, Rng rng) {
        return Math.exp(p[0] + p[1] * rng.nextGaussian());
    }

    @Override
    public Object reparamSample(Rng rng) {
        return AD.exp(AD.add(mu(), AD.mul(sigma(), noise(rng, Rng::nextGaussian))));
    }

    @Override
    public Support support() {
        return Support.POSITIVE;
    }

    @Override
    double meanElement(double[] p) {
        return Math.exp(p[0] + 0.5 * p[1] * p[1]);
    }

    @Override
    double varianceElement(double[] p) {
        double s2 = p[1] * p[1];
        return Math.expm1(s2) * Math.exp(2 * p[0] + s2);
    }
}
