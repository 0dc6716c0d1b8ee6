package org.ppl4j.runtime.ad;

/** The differentiable scalar functions, each with its derivative. */
public final class Fns {
    private Fns() {
    }

    public static final AD.Fn1 NEG = kernel(Tensor.Op1.NEG, (x, fx) -> -1);
    public static final AD.Fn1 EXP = kernel(Tensor.Op1.EXP, (x, fx) -> fx);
    public static final AD.Fn1 LOG = kernel(Tensor.Op1.LOG, (x, fx) -> 1 / x);
    public static final AD.Fn1 LOG1P = kernel(Tensor.Op1.LOG1P, (x, fx) -> 1 / (1 + x));
    public static final AD.Fn1 SQRT = kernel(Tensor.Op1.SQRT, (x, fx) -> 0.5 / fx);
    public static final AD.Fn1 SQUARE = kernel(Tensor.Op1.SQUARE, (x, fx) -> 2 * x);
    public static final AD.Fn1 ABS = kernel(Tensor.Op1.ABS, (x, fx) -> Math.signum(x));
    public static final AD.Fn1 SIN = fn(Math::sin, (x, fx) -> Math.cos(x));
    public static final AD.Fn1 COS = fn(Math::cos, (x, fx) -> -Math.sin(x));
    public static final AD.Fn1 TANH = kernel(Tensor.Op1.TANH, (x, fx) -> 1 - fx * fx);
    public static final AD.Fn1 SIGMOID = kernel(Tensor.Op1.SIGMOID, (x, fx) -> fx * (1 - fx));
    public static final AD.Fn1 SOFTPLUS = kernel(Tensor.Op1.SOFTPLUS, (x, fx) -> sigmoid(x));
    public static final AD.Fn1 RELU = kernel(Tensor.Op1.RELU, (x, fx) -> x > 0 ? 1 : 0);
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

    /** A function with an ND4J kernel for large tensors ({@link Tensor.Op1}); the Java f must agree with it. */
    static final class Kernel implements AD.Fn1 {
        final Tensor.Op1 op;
        private final D2 df;

        Kernel(Tensor.Op1 op, D2 df) {
            this.op = op;
            this.df = df;
        }

        @Override
        public double f(double x) {
            return op.f.applyAsDouble(x);
        }

        @Override
        public double df(double x, double fx) {
            return df.apply(x, fx);
        }
    }

    private static AD.Fn1 kernel(Tensor.Op1 op, D2 df) {
        return new Kernel(op, df);
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
