package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.runtime.ad.GradCheck.check;
import static org.ppl4j.runtime.ad.GradCheck.tensor;

import org.junit.jupiter.api.Test;

/** {@link Axes}: values, shapes, central-difference gradients (see {@link GradCheck}) and provenance. */
class AxesTest {
    @Test
    void stackingTensorsAddsAFirstAxis() {
        Tensor a = new Tensor(new int[] {2, 2}, new double[] {1, 2, 3, 4});
        Tensor b = new Tensor(new int[] {2, 2}, new double[] {5, 6, 7, 8});
        Tensor s = (Tensor) Axes.stack(new Object[] {a, b, a});
        assertArrayEquals(new int[] {3, 2, 2}, s.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4}, s.toArray());
        assertArrayEquals(new double[] {1, 2}, ((Tensor) Axes.stack(new Object[] {1.0, 2.0})).toArray());
    }

    @Test
    void valuesThatDoNotStackGiveNull() {
        assertNull(Axes.stack(new Object[] {Tensor.vector(1, 2), Tensor.vector(1, 2, 3)}), "two shapes");
        assertNull(Axes.stack(new Object[] {1.0, Tensor.vector(1, 2)}), "a number before a tensor");
        assertNull(Axes.stack(new Object[] {Tensor.vector(1, 2), 1.0}), "a number after a tensor");
        assertNull(Axes.stack(new Object[] {Tensor.vector(1, 2), "a"}), "not a number");
    }

    @Test
    void stackGradients() {
        check("stack of vectors", xs -> Axes.stack(new Object[] {xs[0], xs[1], xs[0]}), tensor(-1, 2, 3),
                tensor(-0.5, 1, 3));
        check("stack of matrices, one constant", xs -> Axes.stack(new Object[] {xs[0], xs[1]}),
                new Object[] {tensor(-1, 2, 2, 3), tensor(-0.5, 1, 2, 3)}, new boolean[] {true, false});
        check("stack of computed tensors",
                xs -> Axes.stack(new Object[] {AD.exp(xs[0]), AD.mul(xs[0], xs[1]), AD.index(xs[2], 1)}),
                tensor(-1, 1, 4), tensor(-0.5, 1, 4), tensor(-1, 2, 3, 4));
    }

    @Test
    void selectAlongEachAxis() {
        Tensor t = new Tensor(new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new double[] {2, 5}, ((Tensor) Axes.select(t, 1, 1)).toArray());
        assertArrayEquals(new double[] {4, 5, 6}, ((Tensor) Axes.select(t, 0, 1)).toArray());
        assertEquals(6.0, Axes.select(Tensor.vector(4, 5, 6), 0, 2));
        Tensor r3 = tensor(-1, 2, 2, 3, 4);
        Tensor mid = (Tensor) Axes.select(r3, 1, 2);
        assertArrayEquals(new int[] {2, 4}, mid.shape());
        assertEquals(r3.get(1 * 12 + 2 * 4 + 3), mid.get(1 * 4 + 3));
        assertThrows(ShapeException.class, () -> Axes.select(t, 2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Axes.select(t, 1, 3));
    }

    @Test
    void selectGradients() {
        check("select axis 1 of a matrix", xs -> Axes.select(xs[0], 1, 2), tensor(-1, 2, 3, 4));
        check("select axis 2 of a rank-3 tensor", xs -> Axes.select(xs[0], 2, 1), tensor(-1, 2, 2, 3, 4));
        check("select axis 1 of a rank-3 tensor, twice",
                xs -> AD.mul(Axes.select(xs[0], 1, 0), Axes.select(xs[0], 1, 2)), tensor(-1, 2, 2, 3, 4));
    }

    /** A stacked or selected value depends on the random choices its pieces came from. */
    @Test
    void provenanceSurvives() {
        Tape tape = new Tape();
        Object a = tape.source(Tensor.vector(1, 2), 0, null);
        Object b = tape.source(Tensor.vector(3, 4), 1, null);
        Object s = Axes.stack(new Object[] {a, b});
        Object column = Axes.select(s, 1, 0);
        java.util.BitSet[] deps = tape.dependencies();
        assertTrue(deps[((TapeNode) s).id()].get(0) && deps[((TapeNode) s).id()].get(1));
        assertTrue(deps[((TapeNode) column).id()].get(0) && deps[((TapeNode) column).id()].get(1));
    }
}
