package org.ppl4j.estimators;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.ppl4j.estimators.Harness.Builder;
import org.ppl4j.estimators.Harness.Domain;
import org.ppl4j.estimators.Harness.Fn;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.stdlib.dist.Bernoulli;
import org.ppl4j.stdlib.dist.Beta;
import org.ppl4j.stdlib.dist.Binomial;
import org.ppl4j.stdlib.dist.Categorical;
import org.ppl4j.stdlib.dist.Cauchy;
import org.ppl4j.stdlib.dist.Dirichlet;
import org.ppl4j.stdlib.dist.Exponential;
import org.ppl4j.stdlib.dist.Gamma;
import org.ppl4j.stdlib.dist.Geometric;
import org.ppl4j.stdlib.dist.HalfCauchy;
import org.ppl4j.stdlib.dist.HalfNormal;
import org.ppl4j.stdlib.dist.LogNormal;
import org.ppl4j.stdlib.dist.MvNormal;
import org.ppl4j.stdlib.dist.MvNormalDiag;
import org.ppl4j.stdlib.dist.Normal;
import org.ppl4j.stdlib.dist.Poisson;
import org.ppl4j.stdlib.dist.StudentT;
import org.ppl4j.stdlib.dist.Uniform;

/**
 * The (distribution, test function) cases of the proof suite, each with its exact expectation E(theta) as a
 * function of the flattened parameters: a closed form, an exact sum over the support (infinite supports
 * truncated where the remaining mass is below 1e-16), or a tanh-sinh quadrature. Exact gradients are finite
 * differences of these ({@link Harness#fdGradient}). The densities used for quadrature are written here
 * independently of stdlib, unnormalised (the quadrature divides by the integral of the density).
 */
final class Cases {
    private Cases() {
    }

    /** One distribution at fixed parameters and one test function, with E[f] as a function of the parameters. */
    record Case(String name, Builder build, Object[] theta, String fName, Fn f, ToDoubleFunction<double[]> expectation) {
        DistributionFamily family() {
            return build.build(theta).family();
        }

        double[] exactGradient() {
            return Harness.fdGradient(expectation, Harness.flatten(theta));
        }

        @Override
        public String toString() {
            return name + ", f(x) = " + fName;
        }
    }

    // ------------------------------------------------------------------ test functions

    static final Fn SQUARE = AD::square;
    static final Fn EXP_HALF = x -> AD.exp(AD.mul(-0.5, x));
    static final Fn COS = x -> AD.unary(x, Fns.COS);
    static final Fn INV_1P_SQUARE = x -> AD.div(1.0, AD.add(1.0, AD.square(x)));
    static final Fn EXP_NEG = x -> AD.exp(AD.neg(x));
    static final Fn INV_1P = x -> AD.div(1.0, AD.add(1.0, x));
    static final Fn SUM_SQUARES = x -> AD.sum(AD.square(x));

    static Fn linear(double... w) {
        Tensor weights = Tensor.vector(w);
        return x -> AD.sum(AD.mul(weights, x));
    }

    // ------------------------------------------------------------------ unnormalised log densities

    static DoubleUnaryOperator logNormalLogDensity(double mu, double sigma) {
        return x -> {
            double l = Math.log(x);
            return -0.5 * (l - mu) * (l - mu) / (sigma * sigma) - l;
        };
    }

    static DoubleUnaryOperator halfNormalLogDensity(double scale) {
        return x -> -0.5 * x * x / (scale * scale);
    }

    static DoubleUnaryOperator halfCauchyLogDensity(double scale) {
        return x -> -Math.log1p((x / scale) * (x / scale));
    }

    static DoubleUnaryOperator cauchyLogDensity(double loc, double scale) {
        return x -> -Math.log1p(((x - loc) / scale) * ((x - loc) / scale));
    }

    static DoubleUnaryOperator betaLogDensity(double a, double b) {
        return x -> (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
    }

    static DoubleUnaryOperator gammaLogDensity(double shape, double rate) {
        return x -> (shape - 1) * Math.log(x) - rate * x;
    }

    static DoubleUnaryOperator studentTLogDensity(double df, double loc, double scale) {
        return x -> {
            double z = (x - loc) / scale;
            return -0.5 * (df + 1) * Math.log1p(z * z / df);
        };
    }

    /**
     * E[cos x] under studentt(df, loc, scale), from its normal scale mixture: x = loc + scale Z / sqrt(V / df),
     * V ~ chi-squared(df), so E[cos x] = cos(loc) E_V[exp(-scale^2 df / (2 V))], a smooth one-dimensional
     * quadrature (the direct integral oscillates over a polynomial tail).
     */
    static double studentTCosExpectation(double df, double loc, double scale) {
        return Math.cos(loc) * Harness.expectation(v -> (0.5 * df - 1) * Math.log(v) - 0.5 * v,
                v -> Math.exp(-0.5 * scale * scale * df / v), Domain.POSITIVE, df);
    }

    // ------------------------------------------------------------------ exact sums

    /** sum over k of pmf(k) f(k) for k = 0..n. */
    static double sum(double[] pmf, DoubleUnaryOperator f) {
        double s = 0;
        for (int k = 0; k < pmf.length; k++) {
            s += pmf[k] * f.applyAsDouble(k);
        }
        return s;
    }

    static double[] poissonPmf(double rate) {
        List<Double> p = new ArrayList<>();
        double term = Math.exp(-rate);
        for (int k = 0; k < 1000; k++) {
            p.add(term);
            if (k > rate && term < 1e-18) {
                break;
            }
            term *= rate / (k + 1);
        }
        return p.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double[] geometricPmf(double p) {
        List<Double> r = new ArrayList<>();
        double term = p;
        for (int k = 0; k < 10000 && term >= 1e-18; k++) {
            r.add(term);
            term *= 1 - p;
        }
        return r.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double[] binomialPmf(int n, double p) {
        double[] r = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            double c = 1;
            for (int i = 0; i < k; i++) {
                c = c * (n - i) / (i + 1);
            }
            r[k] = c * Math.pow(p, k) * Math.pow(1 - p, n - k);
        }
        return r;
    }

    /** Normalised probabilities from unnormalised weights or from logits (softmax). */
    static double[] categoricalPmf(double[] param, boolean logits) {
        double[] w = param.clone();
        double total = 0;
        for (int k = 0; k < w.length; k++) {
            w[k] = logits ? Math.exp(param[k]) : param[k];
            total += w[k];
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= total;
        }
        return w;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static DoubleUnaryOperator plain(Fn f) {
        return x -> Harness.at(f, x);
    }

    // ------------------------------------------------------------------ the cases

    static Object[] scalars(double... values) {
        Object[] r = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = values[i];
        }
        return r;
    }

    /** Every case of the unbiasedness suite: two test functions per distribution (and parameterisation). */
    static List<Case> all() {
        List<Case> cs = new ArrayList<>();
        // ---- continuous, scalar
        Builder normal = p -> new Normal(p[0], p[1]);
        Object[] nTheta = scalars(0.3, 1.2);
        cs.add(new Case("normal(mu=0.3, sigma=1.2)", normal, nTheta, "x^2", SQUARE, t -> t[0] * t[0] + t[1] * t[1]));
        cs.add(new Case("normal(mu=0.3, sigma=1.2)", normal, nTheta, "cos(x)", COS,
                t -> Math.cos(t[0]) * Math.exp(-0.5 * t[1] * t[1])));

        Builder logNormal = p -> new LogNormal(p[0], p[1]);
        Object[] lnTheta = scalars(0.2, 0.5);
        cs.add(new Case("lognormal(mu=0.2, sigma=0.5)", logNormal, lnTheta, "x^2", SQUARE,
                t -> Math.exp(2 * t[0] + 2 * t[1] * t[1])));
        cs.add(new Case("lognormal(mu=0.2, sigma=0.5)", logNormal, lnTheta, "exp(-x/2)", EXP_HALF,
                t -> Harness.expectation(logNormalLogDensity(t[0], t[1]), plain(EXP_HALF), Domain.POSITIVE, 1)));

        Builder uniform = p -> new Uniform(p[0], p[1]);
        Object[] uTheta = scalars(-0.5, 1.5);
        cs.add(new Case("uniform(low=-0.5, high=1.5)", uniform, uTheta, "x^2", SQUARE,
                t -> (Math.pow(t[1], 3) - Math.pow(t[0], 3)) / (3 * (t[1] - t[0]))));
        cs.add(new Case("uniform(low=-0.5, high=1.5)", uniform, uTheta, "exp(-x/2)", EXP_HALF,
                t -> 2 * (Math.exp(-t[0] / 2) - Math.exp(-t[1] / 2)) / (t[1] - t[0])));

        Builder exponential = p -> new Exponential(p[0]);
        Object[] eTheta = scalars(1.5);
        cs.add(new Case("exponential(rate=1.5)", exponential, eTheta, "x^2", SQUARE, t -> 2 / (t[0] * t[0])));
        cs.add(new Case("exponential(rate=1.5)", exponential, eTheta, "exp(-x/2)", EXP_HALF, t -> t[0] / (t[0] + 0.5)));

        Builder halfNormal = p -> new HalfNormal(p[0]);
        Object[] hnTheta = scalars(1.3);
        cs.add(new Case("halfnormal(scale=1.3)", halfNormal, hnTheta, "x^2", SQUARE, t -> t[0] * t[0]));
        cs.add(new Case("halfnormal(scale=1.3)", halfNormal, hnTheta, "exp(-x/2)", EXP_HALF,
                t -> Harness.expectation(halfNormalLogDensity(t[0]), plain(EXP_HALF), Domain.POSITIVE, 1)));

        Builder halfCauchy = p -> new HalfCauchy(p[0]);
        Object[] hcTheta = scalars(0.8);
        cs.add(new Case("halfcauchy(scale=0.8)", halfCauchy, hcTheta, "1/(1+x^2)", INV_1P_SQUARE,
                t -> 1 / (1 + t[0])));
        cs.add(new Case("halfcauchy(scale=0.8)", halfCauchy, hcTheta, "exp(-x)", EXP_NEG,
                t -> Harness.expectation(halfCauchyLogDensity(t[0]), plain(EXP_NEG), Domain.POSITIVE, 1)));

        Builder cauchy = p -> new Cauchy(p[0], p[1]);
        Object[] cTheta = scalars(0.4, 0.7);
        cs.add(new Case("cauchy(loc=0.4, scale=0.7)", cauchy, cTheta, "cos(x)", COS,
                t -> Math.cos(t[0]) * Math.exp(-t[1])));
        cs.add(new Case("cauchy(loc=0.4, scale=0.7)", cauchy, cTheta, "1/(1+x^2)", INV_1P_SQUARE,
                t -> (1 + t[1]) / ((1 + t[1]) * (1 + t[1]) + t[0] * t[0])));

        Builder beta = p -> new Beta(p[0], p[1]);
        Object[] bTheta = scalars(2.0, 3.0);
        cs.add(new Case("beta(alpha=2, beta=3)", beta, bTheta, "x^2", SQUARE,
                t -> t[0] * (t[0] + 1) / ((t[0] + t[1]) * (t[0] + t[1] + 1))));
        cs.add(new Case("beta(alpha=2, beta=3)", beta, bTheta, "exp(-x/2)", EXP_HALF,
                t -> Harness.expectation(betaLogDensity(t[0], t[1]), plain(EXP_HALF), Domain.UNIT, 0.5)));

        Builder gamma = p -> new Gamma(p[0], p[1]);
        Object[] gTheta = scalars(2.5, 1.5);
        cs.add(new Case("gamma(shape=2.5, rate=1.5)", gamma, gTheta, "x^2", SQUARE,
                t -> t[0] * (t[0] + 1) / (t[1] * t[1])));
        cs.add(new Case("gamma(shape=2.5, rate=1.5)", gamma, gTheta, "exp(-x/2)", EXP_HALF,
                t -> Math.pow(t[1] / (t[1] + 0.5), t[0])));

        Builder studentT = p -> new StudentT(p[0], p[1], p[2]);
        Object[] stTheta = scalars(6.0, 0.3, 1.1);
        cs.add(new Case("studentt(df=6, loc=0.3, scale=1.1)", studentT, stTheta, "x^2", SQUARE,
                t -> t[1] * t[1] + t[2] * t[2] * t[0] / (t[0] - 2)));
        cs.add(new Case("studentt(df=6, loc=0.3, scale=1.1)", studentT, stTheta, "cos(x)", COS,
                t -> studentTCosExpectation(t[0], t[1], t[2])));

        // ---- discrete
        DoubleUnaryOperator sq = x -> x * x;
        DoubleUnaryOperator inv = x -> 1 / (1 + x);
        Builder bernoulliP = p -> Bernoulli.ofProbability(p[0]);
        Builder bernoulliLogits = p -> Bernoulli.ofLogits(p[0]);
        for (var fn : List.of(new Object[] {"x^2", SQUARE, sq}, new Object[] {"1/(1+x)", INV_1P, inv})) {
            String name = (String) fn[0];
            Fn f = (Fn) fn[1];
            DoubleUnaryOperator g = (DoubleUnaryOperator) fn[2];
            cs.add(new Case("bernoulli(p=0.3)", bernoulliP, scalars(0.3), name, f,
                    t -> t[0] * g.applyAsDouble(1) + (1 - t[0]) * g.applyAsDouble(0)));
            cs.add(new Case("bernoulli(logits=-0.4)", bernoulliLogits, scalars(-0.4), name, f,
                    t -> sigmoid(t[0]) * g.applyAsDouble(1) + (1 - sigmoid(t[0])) * g.applyAsDouble(0)));
            cs.add(new Case("categorical(probs=[1, 2, 3, 1.5])", p -> Categorical.ofProbabilities(p[0]),
                    new Object[] {Tensor.vector(1, 2, 3, 1.5)}, name, f, t -> sum(categoricalPmf(t, false), g)));
            cs.add(new Case("categorical(logits=[0.2, -0.5, 1, 0.1])", p -> Categorical.ofLogits(p[0]),
                    new Object[] {Tensor.vector(0.2, -0.5, 1, 0.1)}, name, f, t -> sum(categoricalPmf(t, true), g)));
            cs.add(new Case("poisson(rate=2.5)", p -> new Poisson(p[0]), scalars(2.5), name, f,
                    t -> sum(poissonPmf(t[0]), g)));
            cs.add(new Case("binomial(n=6, p=0.35)", p -> Binomial.ofProbability(6.0, p[0]), scalars(0.35), name, f,
                    t -> sum(binomialPmf(6, t[0]), g)));
            cs.add(new Case("binomial(n=6, logits=0.3)", p -> Binomial.ofLogits(6.0, p[0]), scalars(0.3), name, f,
                    t -> sum(binomialPmf(6, sigmoid(t[0])), g)));
            cs.add(new Case("geometric(p=0.4)", p -> new Geometric(p[0]), scalars(0.4), name, f,
                    t -> sum(geometricPmf(t[0]), g)));
        }

        // ---- vector-valued
        double[] w2 = {1, -0.5};
        double[] w3 = {1, -2, 0.5};
        Object[] dTheta = {Tensor.vector(1.5, 2.0, 2.5)};
        Builder dirichlet = p -> new Dirichlet(p[0]);
        cs.add(new Case("dirichlet(concentration=[1.5, 2, 2.5])", dirichlet, dTheta, "sum(x^2)", SUM_SQUARES, t -> {
            double a0 = t[0] + t[1] + t[2];
            double s = 0;
            for (double a : t) {
                s += a * (a + 1);
            }
            return s / (a0 * (a0 + 1));
        }));
        cs.add(new Case("dirichlet(concentration=[1.5, 2, 2.5])", dirichlet, dTheta, "w.x, w=[1, -2, 0.5]",
                linear(w3), t -> (w3[0] * t[0] + w3[1] * t[1] + w3[2] * t[2]) / (t[0] + t[1] + t[2])));

        Object[] mvTheta = {Tensor.vector(0.3, -0.2), new Tensor(new int[] {2, 2}, new double[] {1.1, 0, 0.4, 0.8})};
        Builder mv = p -> new MvNormal(p[0], p[1]);
        // E |x|^2 = |loc|^2 + trace(L L^T) = |loc|^2 + |L|_F^2; the gradient for the zero entry above the
        // diagonal is 2 L_01 = 0
        cs.add(new Case("mvnormal(loc=[0.3, -0.2], scale_tril=[[1.1, 0], [0.4, 0.8]])", mv, mvTheta, "sum(x^2)",
                SUM_SQUARES, t -> {
                    double s = 0;
                    for (double v : t) {
                        s += v * v;
                    }
                    return s;
                }));
        cs.add(new Case("mvnormal(loc=[0.3, -0.2], scale_tril=[[1.1, 0], [0.4, 0.8]])", mv, mvTheta,
                "w.x, w=[1, -0.5]", linear(w2), t -> w2[0] * t[0] + w2[1] * t[1]));

        Object[] mdTheta = {Tensor.vector(0.3, -0.2, 0.5), Tensor.vector(0.9, 1.2, 0.6)};
        Builder md = p -> new MvNormalDiag(p[0], p[1]);
        cs.add(new Case("mvnormal_diag(loc=[0.3, -0.2, 0.5], scale=[0.9, 1.2, 0.6])", md, mdTheta, "sum(x^2)",
                SUM_SQUARES, t -> {
                    double s = 0;
                    for (double v : t) {
                        s += v * v;
                    }
                    return s;
                }));
        cs.add(new Case("mvnormal_diag(loc=[0.3, -0.2, 0.5], scale=[0.9, 1.2, 0.6])", md, mdTheta,
                "w.x, w=[1, -2, 0.5]", linear(w3), t -> w3[0] * t[0] + w3[1] * t[1] + w3[2] * t[2]));
        return cs;
    }

    /**
     * The ELBO-type cases for path (and, for comparison, reparam and reinforce): q = build(theta), a fixed target
     * density log p, objective log p(x) - log q(x), E[...] the ELBO in closed form.
     */
    record ElboCase(String name, Builder build, Object[] theta, Fn logTarget, ToDoubleFunction<double[]> elbo) {
        double[] exactGradient() {
            return Harness.fdGradient(elbo, Harness.flatten(theta));
        }

        @Override
        public String toString() {
            return "ELBO of q = " + name;
        }
    }

    static final double EULER_GAMMA = 0.5772156649015329;

    static List<ElboCase> elbo() {
        List<ElboCase> cs = new ArrayList<>();
        Distribution n12 = new Normal(1.0, 2.0);
        // E_q log N(x; 1, 2) = -((mu - 1)^2 + s^2) / 8 - log 2 - log(2 pi) / 2; H(q) = log s + (1 + log 2 pi) / 2
        cs.add(new ElboCase("normal(mu=0.3, sigma=1.2), p = normal(1, 2)", p -> new Normal(p[0], p[1]),
                scalars(0.3, 1.2), n12::logDensity,
                t -> -((t[0] - 1) * (t[0] - 1) + t[1] * t[1]) / 8 - Math.log(2) + Math.log(t[1]) + 0.5));
        // p = lognormal(0, 1): E_q log p = -(mu^2 + s^2)/2 - mu - log(2 pi)/2; H(q) = mu + 1/2 + log s + log(2 pi)/2
        Distribution ln01 = new LogNormal(0.0, 1.0);
        cs.add(new ElboCase("lognormal(mu=0.2, sigma=0.5), p = lognormal(0, 1)", p -> new LogNormal(p[0], p[1]),
                scalars(0.2, 0.5), ln01::logDensity, t -> -(t[0] * t[0] + t[1] * t[1]) / 2 + 0.5 + Math.log(t[1])));
        // p = gamma(2, 1): log p = log x - x; E_q log x = -gamma - log r, E_q x = 1/r; H(q) = 1 - log r
        Distribution g21 = new Gamma(2.0, 1.0);
        cs.add(new ElboCase("exponential(rate=1.5), p = gamma(2, 1)", p -> new Exponential(p[0]), scalars(1.5),
                g21::logDensity, t -> -EULER_GAMMA - 2 * Math.log(t[0]) - 1 / t[0] + 1));
        // p = exponential(1): E_q log p = -s sqrt(2/pi); H(q) = log(s sqrt(pi e / 2))
        Distribution e1 = new Exponential(1.0);
        cs.add(new ElboCase("halfnormal(scale=1.3), p = exponential(1)", p -> new HalfNormal(p[0]), scalars(1.3),
                e1::logDensity, t -> -t[0] * Math.sqrt(2 / Math.PI) + Math.log(t[0])));
        // p = cauchy(0, 1): E_q log(1 + x^2) = log((1 + s)^2 + l^2); H(q) = log(4 pi s)
        Distribution c01 = new Cauchy(0.0, 1.0);
        cs.add(new ElboCase("cauchy(loc=0.4, scale=0.7), p = cauchy(0, 1)", p -> new Cauchy(p[0], p[1]),
                scalars(0.4, 0.7), c01::logDensity,
                t -> -Math.log((1 + t[1]) * (1 + t[1]) + t[0] * t[0]) + Math.log(t[1])));
        // p = halfcauchy(1): E_q log(1 + x^2) = 2 log(1 + s); H(q) = log(2 pi s)
        Distribution hc1 = new HalfCauchy(1.0);
        cs.add(new ElboCase("halfcauchy(scale=0.8), p = halfcauchy(1)", p -> new HalfCauchy(p[0]), scalars(0.8),
                hc1::logDensity, t -> -2 * Math.log(1 + t[0]) + Math.log(t[0])));
        // p = independent normal(1, 2) per coordinate: a sum of the normal case's ELBOs
        Distribution n12v = new MvNormalDiag(Tensor.vector(1, 1, 1), Tensor.vector(2, 2, 2));
        cs.add(new ElboCase("mvnormal_diag(loc=[0.3, -0.2, 0.5], scale=[0.9, 1.2, 0.6]), p = normal(1, 2) each",
                p -> new MvNormalDiag(p[0], p[1]),
                new Object[] {Tensor.vector(0.3, -0.2, 0.5), Tensor.vector(0.9, 1.2, 0.6)}, n12v::logDensity, t -> {
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        s += -((t[i] - 1) * (t[i] - 1) + t[3 + i] * t[3 + i]) / 8 + Math.log(t[3 + i]);
                    }
                    return s;
                }));
        // the same target, q = mvnormal(loc, L): E_q log p = -sum((loc_i - 1)^2)/8 - |L|_F^2/8 + c; H(q) = sum log L_ii + c
        // L is a full [2, 2] leaf masked to its lower triangle, as a user writes a trainable scale_tril, so the entry
        // above the diagonal gets no gradient (FixedBugsTest checks an unmasked leaf gets none either)
        Distribution n12m = new MvNormalDiag(Tensor.vector(1, 1), Tensor.vector(2, 2));
        Tensor lower = new Tensor(new int[] {2, 2}, new double[] {1, 0, 1, 1});
        cs.add(new ElboCase("mvnormal(loc=[0.3, -0.2], scale_tril=tril([[1.1, 0], [0.4, 0.8]])), p = normal(1, 2) each",
                p -> new MvNormal(p[0], AD.mul(p[1], lower)),
                new Object[] {Tensor.vector(0.3, -0.2), new Tensor(new int[] {2, 2}, new double[] {1.1, 0, 0.4, 0.8})},
                n12m::logDensity, t -> -((t[0] - 1) * (t[0] - 1) + (t[1] - 1) * (t[1] - 1)) / 8
                        - (t[2] * t[2] + t[4] * t[4] + t[5] * t[5]) / 8 + Math.log(t[2])
                        + Math.log(t[5])));
        return cs;
    }
}
