package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Tape#alignment}: how many independent leading axes of a random choice each operation keeps. A [4, 3]
 * choice with two independent axes (source 0) and a [4] choice with one (source 1): elementwise operations keep
 * what they do not broadcast, a sum over a later axis keeps the axes before it, x @ w keeps x's rows, a reshape
 * keeps the leading dimensions it leaves alone; a sum over axis 0, a transpose, a row taken by index or a scalar
 * keep none, and a value that does not depend on the choice is -1.
 */
class TapeAlignmentTest {
    private static Tensor ramp(int... shape) {
        double[] d = new double[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.1 * i - 0.3;
        }
        return new Tensor(shape, d);
    }

    @Test
    void operationsKeepOrMixTheIndependentAxes() {
        Tape tape = new Tape();
        Object w = tape.leaf(ramp(3, 5));
        Object h = tape.source(ramp(4, 3), 0, tape.leaf(ramp(4, 3)));
        Object z = tape.source(ramp(4), 1, null);
        BitSet perElement = new BitSet();
        perElement.set(0);
        perElement.set(1);
        Tape.Alignment a = tape.alignment(perElement, new int[] {2, 1});

        assertEquals(2, a.kept((TapeNode) h, 0));
        assertEquals(-1, a.kept((TapeNode) h, 1));
        assertEquals(2, a.kept((TapeNode) AD.exp(AD.mul(h, 2.0)), 0), "elementwise");
        assertEquals(2, a.kept((TapeNode) AD.add(h, ramp(3)), 0), "a constant broadcast over the rows");
        assertEquals(1, a.kept((TapeNode) AD.sumAxis(h, 1, false), 0), "a sum over the second axis");
        assertEquals(0, a.kept((TapeNode) AD.sumAxis(h, 0, false), 0), "a sum over the data axis mixes");
        assertEquals(1, a.kept((TapeNode) AD.matmul(h, w), 0), "x @ w keeps x's rows");
        assertEquals(0, a.kept((TapeNode) AD.matmul(AD.transpose(h), ramp(4, 2)), 0), "a transpose mixes");
        assertEquals(0, a.kept((TapeNode) AD.index(h, 1), 0), "a row taken by index");
        assertEquals(0, a.kept((TapeNode) AD.sum(h), 0), "a scalar");
        assertEquals(2, a.kept((TapeNode) AD.reshape(h, new int[] {4, 3, 1}), 0), "a reshape that keeps both axes");
        assertEquals(0, a.kept((TapeNode) AD.reshape(h, new int[] {12}), 0), "a reshape that flattens them");
        Object mixed = AD.add(AD.sumAxis(h, 1, true), AD.sumAxis(AD.sumAxis(h, 1, false), 0, false));
        assertEquals(0, a.kept((TapeNode) mixed, 0), "one path that mixes is enough");

        Object both = AD.mul(AD.sumAxis(h, 1, false), z);
        assertEquals(1, a.kept((TapeNode) both, 0));
        assertEquals(1, a.kept((TapeNode) both, 1));
        assertEquals(0, a.kept((TapeNode) AD.mul(h, AD.sum(z)), 1), "the other choice summed, broadcast");
        assertEquals(-1, a.kept((TapeNode) AD.mul(w, 2.0), 0), "no dependence");
    }

    @Test
    void aFusedSumKeepsItsSummandsAxes() {
        Tape tape = new Tape();
        Object h = tape.source(ramp(4, 3), 0, null);
        Object logits = AD.mul(h, tape.leaf(ramp(4, 3)));
        Tensor data = new Tensor(new int[] {4, 3}, new double[] {1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0});
        TapeNode term = (TapeNode) AD.bernoulliLogitsSum(data, logits);
        BitSet perElement = new BitSet();
        perElement.set(0);
        Tape.Alignment a = tape.alignment(perElement, new int[] {1});
        TensorVar summed = Tape.summed(term);
        assertEquals(1, a.kept(summed, 0));
        Tensor parts = Tape.summands(summed);
        assertEquals(term.scalar(), parts.sum(), 1e-12, "the summands add up to the fused value");
        assertEquals(parts.sum(), AD.tensorValue(Tape.trackedSummands(summed)).sum(), 1e-12);
    }

    /**
     * A decoder-sized fused likelihood (large tensors, ND4J's kernels) hands its summands on from the forward
     * pass's softplus: bit for bit what the elementwise operations make, and adding up to the fused value. Logits
     * both moderate and past float32's exp overflow (softplus's stable path).
     */
    @Test
    void aLargeFusedSumsSummandsAreTheElementwiseValues() {
        int[] shape = {64, 784};
        double[] l = new double[Tensor.numel(shape)];
        double[] x = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (i % 97 == 0 ? 120 : 8) * Math.sin(0.37 * i);
            x[i] = (i * 7919) % 3 == 0 ? 1 : 0;
        }
        Tensor data = new Tensor(shape, x);
        Tensor.openStep();
        try {
            Tape tape = new Tape();
            Object logits = AD.mul(tape.leaf(new Tensor(shape, l)), 1.0);
            TapeNode term = (TapeNode) AD.bernoulliLogitsSum(data, logits);
            TensorVar summed = Tape.summed(term);
            Tensor lv = AD.tensorValue(logits);
            Tensor want = Tensor.binary(Tensor.Op2.SUB, data.times(lv), lv.apply(Tensor.Op1.SOFTPLUS));
            Tensor parts = Tape.summands(summed);
            assertArrayEquals(want.toArray(), parts.toArray(), "the summands, element for element");
            assertEquals(term.scalar(), parts.sum(), 1e-6 * Math.abs(term.scalar()),
                    "the summands (float32 each) add up to the fused value");
        } finally {
            Tensor.endStep();
        }
    }
}
