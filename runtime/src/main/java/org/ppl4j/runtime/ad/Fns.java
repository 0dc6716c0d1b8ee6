package org.ppl4j.runtime.ad;

/** The differentiable scalar functions, each with its derivative. */
public final class Fns {
    private Fns() {
    }

    public static final AD.Fn1 NEG = fn(x -> -x, (x, fx) -> -1);
    public static final AD.Fn1 EXP = fn(Math::exp, (x, fx) -> fx);
    public static final AD.Fn1 LOG = fn(Math::log, (x, fx) -> 1 / x);
    public static final AD.Fn1 LOG1P = fn(Math::log1p, (x, fx) -> 1 / (1 + x));
    public static final AD.Fn1 SQRT = fn(Math::sqrt, (x, fx) -> 0.5 / fx);
    public static final AD.Fn1 SQUARE = fn(x -> x * x, (x, fx) -> 2 * x);
    public static final AD.Fn1 ABS = fn(Math::abs, (x, fx) -> Math.signum(x));
    public static final AD.Fn1 SIN = fn(Math::sin, (x, fx) -> Math.cos(x));
    public static final AD.Fn1 COS = fn(Math::cos, (x, fx) -> -Math.sin(x));
    public static final AD.Fn1 TANH = fn(Math::tanh, (x, fx) -> 1 - fx * fx);
    public static final AD.Fn1 SIGMOID = fn(Fns::sigmoid, (x, fx) -> fx * (1 - fx));
    public static final AD.Fn1 SOFTPLUS = fn(Fns::softplus, (x, fx) -> sigmoid(x));
    public static final AD.Fn1 RELU = fn(x -> x > 0 || Double.isNaN(x) ? x : 0, (x, fx) -> x > 0 ? 1 : 0);
    public static final AD.Fn1 LGAMMA = fn(Special::lgamma, (x, fx) -> Special.digamma(x));

    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    interface D1 {
        double apply(double x);
    }

    interface D2 {
        double apply(double x, double fx);
    }

    private static AD.Fn1 fn(D1 f, D2 df) {
        return new AD.Fn1() {
            @Override
            public double f(double x) {
                return f.apply(x);
            }

            @Override
            public double df(double x, double fx) {
                return df.apply(x, fx);
            }
        };
    }
}
