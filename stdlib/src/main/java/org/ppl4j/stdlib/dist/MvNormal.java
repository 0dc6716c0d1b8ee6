package org.ppl4j.stdlib.dist;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Capability;
import org.ppl4j.runtime.dist.Distribution;
import org.ppl4j.runtime.dist.DistributionArgumentException;
import org.ppl4j.runtime.dist.DistributionFamily;
import org.ppl4j.runtime.dist.Support;

/**
 * The multivariate normal over vectors of length d with mean {@code loc} and covariance L L^T, given through its
 * lower-triangular Cholesky factor L = {@code scale_tril}, a [d, d] matrix with a positive diagonal and zeros above
 * it. Values are x = loc + L eps, eps standard normal.
 */
public final class MvNormal extends VectorDistribution {
    public static final DistributionFamily FAMILY =
            new DistributionFamily("mvnormal", List.of("loc", "scale_tril"), 2, Set.of(Capability.REPARAMETERIZED));

    private final Object loc;
    private final Object scaleTril;
    private final int d;

    public MvNormal(Object loc, Object scaleTril) {
        super(FAMILY);
        this.loc = Params.vector(FAMILY.name(), "loc", loc, Params.FINITE);
        this.d = AD.tensorValue(this.loc).size();
        this.scaleTril = Params.checked(FAMILY.name(), "scale_tril", scaleTril, Params.FINITE);
        if (!AD.isTensor(this.scaleTril) || !Arrays.equals(AD.tensorValue(this.scaleTril).shape(), new int[] {d, d})) {
            throw new IllegalArgumentException(FAMILY.name() + ": argument 'scale_tril' must be a [" + d + ", " + d
                    + "] matrix (d = the length of 'loc'), got " + AD.describe(this.scaleTril));
        }
        double[] l = Params.primals(this.scaleTril);
        for (int i = 0; i < d; i++) {
            if (!(l[i * d + i] > 0)) {
                throw new DistributionArgumentException(FAMILY.name(), "scale_tril", "positive on the diagonal",
                        l[i * d + i]);
            }
            for (int j = i + 1; j < d; j++) {
                if (l[i * d + j] != 0) {
                    throw new DistributionArgumentException(FAMILY.name(), "scale_tril",
                            "lower triangular (zero above the diagonal)", l[i * d + j]);
                }
            }
        }
    }

    /** {@code args} aligned with {@code FAMILY.parameters()}: loc, scale_tril. */
    public static Distribution create(Object... args) {
        Object[] a = Params.align(FAMILY, args);
        return new MvNormal(a[0], a[1]);
    }

    public Object loc() {
        return loc;
    }

    public Object scaleTril() {
        return scaleTril;
    }

    @Override
    public int dimension() {
        return d;
    }

    /** loc + L eps with the given loc and L; eps is d standard normals, drawn in order. */
    private Object draw(Rng rng, Object mean, Object factor) {
        double[] eps = new double[d];
        for (int i = 0; i < d; i++) {
            eps[i] = rng.nextGaussian();
        }
        return AD.add(mean, AD.matmul(factor, Tensor.vector(eps)));
    }

    @Override
    public Object sample(Rng rng) {
        return draw(rng, AD.value(loc), AD.value(scaleTril));
    }

    /**
     * loc + L eps, differentiable in loc and in the lower triangle of L (the entries above the diagonal, zero by
     * construction, are masked so that they get no gradient, as in the log density); its value is that of
     * {@link #sample} on the same stream.
     */
    @Override
    public Object reparamSample(Rng rng) {
        return draw(rng, loc, AD.mul(scaleTril, lowerTriangle(d)));
    }

    private static Tensor lowerTriangle(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                m[i * d + j] = 1;
            }
        }
        return new Tensor(new int[] {d, d}, m);
    }

    /**
     * -|z|^2 / 2 - sum log L_ii - (d / 2) log(2 pi), z = L^-1 (x - loc) by forward substitution written with AD
     * operations, so it is differentiable in loc, L and x.
     */
    @Override
    public Object logDensity(Object x) {
        Object v = event(x);
        for (double e : Params.primals(v)) {
            if (!Support.REAL.contains(e)) {
                return Double.NEGATIVE_INFINITY;
            }
        }
        Object r = AD.sub(v, loc);
        Object[] z = new Object[d];
        Object squares = 0.0;
        Object logDiagonal = 0.0;
        for (int i = 0; i < d; i++) {
            Object row = AD.index(scaleTril, i);
            Object acc = AD.index(r, i);
            for (int j = 0; j < i; j++) {
                acc = AD.sub(acc, AD.mul(AD.index(row, j), z[j]));
            }
            Object diagonal = AD.index(row, i);
            z[i] = AD.div(acc, diagonal);
            squares = AD.add(squares, AD.square(z[i]));
            logDiagonal = AD.add(logDiagonal, AD.log(diagonal));
        }
        return AD.sub(AD.sub(AD.mul(-0.5, squares), logDiagonal), d * Normal.HALF_LOG_2PI);
    }

    @Override
    public Support support() {
        return Support.REAL;
    }

    @Override
    public Distribution detachParameters() {
        return new MvNormal(AD.detach(loc), AD.detach(scaleTril));
    }

    @Override
    public Tensor meanVector() {
        return AD.tensorValue(loc);
    }

    /** The diagonal of L L^T: the row sums of L^2. */
    @Override
    public Tensor varianceVector() {
        double[] l = Params.primals(scaleTril);
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                v[i] += l[i * d + j] * l[i * d + j];
            }
        }
        return Tensor.vector(v);
    }

    /** The covariance L L^T, a [d, d] matrix. */
    public Tensor covariance() {
        Tensor l = AD.tensorValue(scaleTril);
        return Tensor.matmul(l, l.transpose());
    }

    @Override
    public String toString() {
        return FAMILY.name() + "(loc=" + AD.describe(loc) + ", scale_tril=" + AD.describe(scaleTril) + ")";
    }
}
