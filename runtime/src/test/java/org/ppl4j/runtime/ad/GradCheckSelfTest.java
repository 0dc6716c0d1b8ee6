package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppl4j.runtime.ad.GradCheck.check;
import static org.ppl4j.runtime.ad.GradCheck.tensor;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The gradient checker must reject the kinds of backward-rule mistakes it exists to catch. */
class GradCheckSelfTest {
    /** exp whose derivative is off by a relative 1e-5. */
    static final AD.Fn1 SLIGHTLY_WRONG_EXP = new AD.Fn1() {
        @Override
        public double f(double x) {
            return Math.exp(x);
        }

        @Override
        public double df(double x, double fx) {
            return fx * (1 + 1e-5);
        }
    };

    /** 2x whose backward rule passes 2 regardless of the incoming adjoint. */
    static Object doubleIgnoringAdjoint(Object x) {
        if (x instanceof TensorVar t) {
            return TensorVar.record(t.tape, t.value.scale(2), g -> t.addAdjoint(Tensor.full(t.value.shape(), 2)));
        }
        return ((Tensor) x).scale(2);
    }

    /** 2x whose backward rule hands the adjoint back in reverse element order. */
    static Object doubleReversingAdjoint(Object x) {
        if (x instanceof TensorVar t) {
            return TensorVar.record(t.tape, t.value.scale(2), g -> {
                double[] d = g.toArray();
                double[] r = new double[d.length];
                for (int i = 0; i < d.length; i++) {
                    r[i] = 2 * d[d.length - 1 - i];
                }
                t.addAdjoint(new Tensor(g.shape(), r));
            });
        }
        return ((Tensor) x).scale(2);
    }

    @Test
    void rejectsADerivativeOffByOnePartIn1e5() {
        assertThrows(AssertionFailedError.class, () -> check("wrong exp", xs -> AD.unary(xs[0], SLIGHTLY_WRONG_EXP), 0.3));
        assertThrows(AssertionFailedError.class,
                () -> check("wrong exp", xs -> AD.unary(xs[0], SLIGHTLY_WRONG_EXP), tensor(-1, 2, 4)));
    }

    @Test
    void rejectsABackwardRuleThatIgnoresItsAdjoint() {
        assertThrows(AssertionFailedError.class,
                () -> check("ignores adjoint", xs -> doubleIgnoringAdjoint(xs[0]), tensor(-1, 2, 4)));
    }

    @Test
    void rejectsABackwardRuleThatMixesUpElements() {
        assertThrows(AssertionFailedError.class,
                () -> check("reverses adjoint", xs -> doubleReversingAdjoint(xs[0]), tensor(-1, 2, 2, 3)));
    }

    @Test
    void rejectsAnUntrackedResult() {
        assertThrows(AssertionFailedError.class, () -> check("detached", xs -> AD.detach(AD.exp(xs[0])), 0.3));
    }
}
