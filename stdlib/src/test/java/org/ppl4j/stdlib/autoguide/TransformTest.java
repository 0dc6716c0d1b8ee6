package org.ppl4j.stdlib.autoguide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;

/**
 * Each transform of the automatic guides: the inverse undoes the forward map, and the log-determinant the inverse
 * reports is that of the forward map's Jacobian, computed here by central differences (step 1e-6, so agreement to
 * 1e-6 is about 100 times the differences' truncation and rounding error at these magnitudes).
 */
class TransformTest {
    private static final double H = 1e-6;

    /** log |det J| of the map from u to the first {@code rows} elements of forward(u), by central differences. */
    private static double numericLogDet(Transform t, double[] u, int rows) {
        int n = u.length;
        double[][] j = new double[rows][n];
        for (int c = 0; c < n; c++) {
            double[] up = u.clone();
            double[] down = u.clone();
            up[c] += H;
            down[c] -= H;
            Tensor fu = AD.tensorValue(t.forward(Tensor.vector(up)));
            Tensor fd = AD.tensorValue(t.forward(Tensor.vector(down)));
            for (int r = 0; r < rows; r++) {
                j[r][c] = (fu.get(r) - fd.get(r)) / (2 * H);
            }
        }
        return Math.log(Math.abs(determinant(j)));
    }

    private static double determinant(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        double det = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            if (p != c) {
                double[] s = a[p];
                a[p] = a[c];
                a[c] = s;
                det = -det;
            }
            det *= a[c][c];
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        return det;
    }

    private static void checkRoundTripAndLogDet(Transform t, double[] u, int rows) {
        Object x = t.forward(Tensor.vector(u));
        Transform.Inverse inv = t.inverse(x);
        double[] back = AD.tensorValue(inv.u()).toArray();
        for (int i = 0; i < u.length; i++) {
            assertEquals(u[i], back[i], 1e-9, "inverse(forward(u)) at " + i);
        }
        assertEquals(numericLogDet(t, u, rows), AD.scalarValue(AD.value(inv.logDet())), 1e-6, "log |det J|");
    }

    @Test
    void theConstraintBijections() {
        double[] u = {-1.3, 0.2, 2.5};
        for (Constraint c : Constraint.values()) {
            checkRoundTripAndLogDet(new SiteBijection.OfConstraint(c), u, 3);
        }
        checkRoundTripAndLogDet(new SiteBijection.Interval(-2.0, Tensor.vector(1, 3, 10)), u, 3);
    }

    /** Stick-breaking: K - 1 reals onto K values that sum to 1; its density is that of the first K - 1. */
    @Test
    void stickBreakingOntoTheSimplex() {
        SiteBijection.Simplex s = new SiteBijection.Simplex();
        double[] u = {0.4, -1.1, 2.0, 0.0};
        Tensor x = AD.tensorValue(s.forward(Tensor.vector(u)));
        assertEquals(5, x.size());
        assertEquals(1.0, x.sum(), 1e-12);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(true, x.get(i) > 0 && x.get(i) < 1, "element " + i + " = " + x.get(i));
        }
        checkRoundTripAndLogDet(s, u, 4);
        Tensor centre = AD.tensorValue(s.forward(Tensor.vector(0, 0, 0, 0)));
        for (int i = 0; i < 5; i++) {
            assertEquals(0.2, centre.get(i), 1e-12, "u = 0 is the centre of the simplex");
        }
    }

    /** Coupling layers with random weights (the fitted ones are not zero), in 3 dimensions. */
    @Test
    void couplingFlow() {
        Rng rng = new Rng(4);
        int d = 3;
        int h = 5;
        List<CouplingFlow.Layer> layers = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            layers.add(new CouplingFlow.Layer(CouplingFlow.mask(d, l), random(rng, d, h), random(rng, h),
                    random(rng, h, d), random(rng, d), random(rng, h, d), random(rng, d)));
        }
        CouplingFlow flow = new CouplingFlow(d, layers, Tensor.vector(0.5, -1, 2), Tensor.vector(0.3, 1.5, 0.8));
        checkRoundTripAndLogDet(flow, new double[] {0.7, -0.4, 1.2}, 3);
    }

    private static Tensor random(Rng rng, int... shape) {
        return Tensor.zeros(shape).map(x -> rng.nextGaussian() * 0.7);
    }
}
