package org.ppl4j.kernels;

import java.nio.ByteBuffer;

/**
 * The kernels as plain Java loops, computing each element in float64 and rounding it to float32: the reference
 * the vector kernels are tested against, and what {@code -Dppl.kernels=scalar} selects. Buffers must be in the
 * platform's byte order.
 */
final class ScalarKernels extends FloatKernels {
    @Override
    public String name() {
        return "ppl4j scalar kernels";
    }

    private static float get(ByteBuffer b, int i) {
        return b.getFloat(i << 2);
    }

    private static void put(ByteBuffer b, int i, double v) {
        b.putFloat(i << 2, (float) v);
    }

    @Override
    public void map(Fn f, ByteBuffer x, ByteBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            put(out, i, f.f(get(x, i)));
        }
    }

    @Override
    public void mapGradient(Fn f, ByteBuffer x, ByteBuffer fx, ByteBuffer g, ByteBuffer out, int n) {
        boolean reads = f.gradientReadsValue();
        for (int i = 0; i < n; i++) {
            float xi = get(x, i);
            double fxi = reads ? get(fx, i) : 0;
            put(out, i, get(g, i) * f.df(xi, fxi));
        }
    }

    @Override
    public void zip(Op op, ByteBuffer a, ByteBuffer b, ByteBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            out.putFloat(i << 2, op.apply(get(a, i), get(b, i)));
        }
    }

    @Override
    public void zipScalar(Op op, ByteBuffer a, float k, boolean scalarLeft, ByteBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            float ai = get(a, i);
            out.putFloat(i << 2, scalarLeft ? op.apply(k, ai) : op.apply(ai, k));
        }
    }

    @Override
    public void zipRow(Op op, ByteBuffer a, ByteBuffer row, ByteBuffer out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                out.putFloat(i << 2, op.apply(get(a, i), get(row, j)));
            }
        }
    }

    @Override
    public double sum(ByteBuffer x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += get(x, i);
        }
        return s;
    }

    @Override
    public boolean allFinite(ByteBuffer x, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(get(x, i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double dot(ByteBuffer x, ByteBuffer y, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) get(x, i) * get(y, i);
        }
        return s;
    }

    @Override
    public void sumRows(ByteBuffer x, ByteBuffer out, int rows, int cols) {
        for (int j = 0; j < cols; j++) {
            float s = 0;
            for (int r = 0; r < rows; r++) {
                s += get(x, r * cols + j);
            }
            out.putFloat(j << 2, s);
        }
    }

    @Override
    public double bernoulliLogitsSum(ByteBuffer x, ByteBuffer l, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double li = get(l, i);
            s += get(x, i) * li - Fn.softplus(li);
        }
        return s;
    }

    @Override
    public void bernoulliLogitsGradient(ByteBuffer x, ByteBuffer l, float g, ByteBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            put(out, i, g * (get(x, i) - Fn.sigmoid(get(l, i))));
        }
    }

    @Override
    public void mapGradientChain(Fn[] fns, ByteBuffer[] xs, ByteBuffer[] fxs, ByteBuffer g, ByteBuffer out,
            ByteBuffer colSums, int rows, int cols) {
        float[] acc = colSums == null ? null : new float[cols];
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            double d = get(g, i);
            for (int m = 0; m < fns.length; m++) {
                double x = get(xs[m], i);
                d *= fns[m].df(x, fns[m].gradientReadsValue() ? get(fxs[m], i) : 0);
            }
            float v = (float) d;
            out.putFloat(i << 2, v);
            if (acc != null) {
                acc[i % cols] += v;
            }
        }
        for (int j = 0; acc != null && j < cols; j++) {
            colSums.putFloat(j << 2, acc[j]);
        }
    }

    @Override
    public double normalQuadratic(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double z = (get(x, i) - get(mu, i)) / get(sigma, i);
            s += -0.5 * z * z;
        }
        return s;
    }

    @Override
    public void normalQuadraticGradient(ByteBuffer x, ByteBuffer mu, ByteBuffer sigma, float g, ByteBuffer gMu,
            ByteBuffer gSigma, int n) {
        for (int i = 0; i < n; i++) {
            double sd = get(sigma, i);
            double z = (get(x, i) - get(mu, i)) / sd;
            put(gMu, i, g * z / sd);
            if (gSigma != null) {
                put(gSigma, i, g * z * z / sd);
            }
        }
    }

    @Override
    public boolean adam(ByteBuffer param, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n, double lr, double beta1,
            double beta2, double eps, long t) {
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        double step = lr * c2 / (1 - Math.pow(beta1, t));
        double epsT = eps * c2;
        boolean finite = true;
        for (int i = 0; i < n; i++) {
            float gi = get(grad, i);
            float mi = (float) (beta1 * get(m, i) + (1 - beta1) * gi);
            float vi = (float) (beta2 * get(v, i) + (1 - beta2) * gi * gi);
            m.putFloat(i << 2, mi);
            v.putFloat(i << 2, vi);
            float u = (float) (step * mi / (Math.sqrt(vi) + epsT));
            float r = param == null ? u : get(param, i) + u;
            (param == null ? grad : param).putFloat(i << 2, r);
            finite &= Float.isFinite(r);
        }
        return finite;
    }
}
