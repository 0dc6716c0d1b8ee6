package org.ppl4j.kernels;

/**
 * The elementwise functions of one argument that the kernels compute, forward ({@link FloatKernels#map}) and
 * backward ({@link FloatKernels#mapGradient}). {@link #f} and {@link #df} are the float64 definitions the float32
 * kernels are tested against (and the scalar kernels' own, rounded to float32).
 */
public enum Fn {
    NEG, EXP, LOG, LOG1P, SQRT, SQUARE, ABS, TANH, SIGMOID, SOFTPLUS, RELU, SIGN, STEP,
    /** log(sigmoid(x)) = -softplus(-x): finite at both tails. */
    LOG_SIGMOID;

    /** f(x) in float64. */
    public double f(double x) {
        switch (this) {
            case NEG:
                return -x;
            case EXP:
                return Math.exp(x);
            case LOG:
                return Math.log(x);
            case LOG1P:
                return Math.log1p(x);
            case SQRT:
                return Math.sqrt(x);
            case SQUARE:
                return x * x;
            case ABS:
                return Math.abs(x);
            case TANH:
                return Math.tanh(x);
            case SIGMOID:
                return sigmoid(x);
            case SOFTPLUS:
                return softplus(x);
            case RELU:
                return x > 0 || Double.isNaN(x) ? x : 0;
            case SIGN:
                return Math.signum(x);
            case STEP:
                return x > 0 ? 1 : 0;
            default:
                return -softplus(-x);
        }
    }

    /** f'(x), given fx = f(x), in float64 (0 for SIGN and STEP, as the tape takes it). */
    public double df(double x, double fx) {
        switch (this) {
            case NEG:
                return -1;
            case EXP:
                return fx;
            case LOG:
                return 1 / x;
            case LOG1P:
                return 1 / (1 + x);
            case SQRT:
                return 0.5 / fx;
            case SQUARE:
                return 2 * x;
            case ABS:
                return Math.signum(x);
            case TANH:
                return 1 - fx * fx;
            case SIGMOID:
                return fx * (1 - fx);
            case SOFTPLUS:
                return sigmoid(x);
            case RELU:
                return x > 0 ? 1 : 0;
            case LOG_SIGMOID:
                return sigmoid(-x);
            default:
                return 0;
        }
    }

    /** Whether {@link #df} reads f(x) (then backward needs the forward result). */
    public boolean gradientReadsValue() {
        return this == EXP || this == SQRT || this == TANH || this == SIGMOID;
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
