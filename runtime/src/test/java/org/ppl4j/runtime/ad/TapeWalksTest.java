package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tape's walks over nodes made outside {@link AD}. {@link Tape#dependenciesOf}, computed on demand, agrees
 * with {@link Tape#dependencies}, computed for every node: on random graphs of scalar and tensor operations over
 * sources and leaves (seeds 1 to 40, 300 operations each), asked in random order, before and after more nodes are
 * recorded. Fused nodes have the given value and partials and keep their inputs' provenance. An n-ary sum
 * ({@link Var#sum}) has the value, gradient and additive terms of the chain of additions it replaces.
 */
class TapeWalksTest {
    @Test
    void onDemandEqualsEveryNode() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            Tape tape = new Tape();
            List<Object> values = new ArrayList<>();
            values.add(tape.leaf(0.5));
            values.add(tape.leaf(Tensor.vector(0.1, 0.2, 0.3)));
            int sources = 0;
            for (int op = 0; op < 300; op++) {
                values.add(next(random, tape, values, sources));
                if (((TapeNode) values.get(values.size() - 1)).source >= 0) {
                    sources++;
                }
                if (op == 150) {
                    askInRandomOrder(random, tape, values, seed); // then more nodes are recorded
                }
            }
            askInRandomOrder(random, tape, values, seed);
        }
    }

    private static void askInRandomOrder(Random random, Tape tape, List<Object> values, long seed) {
        List<TapeNode> nodes = new ArrayList<>();
        for (Object v : values) {
            nodes.add((TapeNode) v);
        }
        java.util.Collections.shuffle(nodes, random);
        BitSet[] all = tape.dependencies();
        for (TapeNode n : nodes) {
            BitSet expected = all[n.id()];
            BitSet found = tape.dependenciesOf(n);
            if (expected == null || expected.isEmpty()) {
                assertNull(found, "seed " + seed + ", node " + n.id());
            } else {
                assertEquals(expected, found, "seed " + seed + ", node " + n.id());
            }
        }
    }

    /** A random operation on earlier values: arithmetic, a reduction, an index, a detach, or a new source. */
    private static Object next(Random random, Tape tape, List<Object> values, int sources) {
        Object a = values.get(random.nextInt(values.size()));
        Object b = values.get(random.nextInt(values.size()));
        switch (random.nextInt(8)) {
            case 0:
                return tape.source(AD.value(a), sources, a);
            case 1:
                return tape.source(1.0, sources, null);
            case 2:
                return AD.isTensor(a) ? AD.index(a, random.nextInt(3)) : AD.add(a, tape.leaf(1.0));
            case 3:
                return AD.isTensor(a) ? AD.sum(a) : AD.exp(AD.mul(a, 0.01));
            case 4:
                return AD.detach(AD.add(a, b));
            case 5:
                return AD.dependsOn(AD.add(a, 1.0), b);
            case 6:
                return AD.add(a, b);
            default:
                return AD.mul(AD.add(a, 0.5), AD.add(b, 0.5));
        }
    }

    @Test
    void longChainsNeedNoRecursion() {
        Tape tape = new Tape();
        Object total = tape.source(1.0, 0, null);
        for (int i = 0; i < 200_000; i++) {
            total = AD.mul(AD.add(total, tape.leaf(1.0)), 0.5);
        }
        BitSet expected = new BitSet();
        expected.set(0);
        assertEquals(expected, tape.dependenciesOf((TapeNode) total));
    }

    // ---------------------------------------------------------------- fused nodes

    @Test
    void fusedNodeHasTheGivenValueAndPartials() {
        Tape tape = new Tape();
        Var x = tape.leaf(2.0);
        Var y = tape.leaf(-1.0);
        Var z = tape.leaf(0.5);
        Object f = Var.fused(7.0, x, 3.0, y, -2.0, z, 0.25);
        assertEquals(7.0, AD.scalarValue(f));
        tape.backward(f);
        assertEquals(3.0, x.adjoint());
        assertEquals(-2.0, y.adjoint());
        assertEquals(0.25, z.adjoint());
    }

    @Test
    void fusedNodeSkipsNumbersAndKeepsZeroPartialInputsForProvenance() {
        Tape tape = new Tape();
        Object s = tape.source(1.0, 0, null);
        Var p = tape.leaf(0.3);
        for (Object[] inputs : new Object[][] {{s, p, 4.0}, {4.0, s, p}, {s, 4.0, p}}) {
            Object f = Var.fused(1.5, inputs[0], inputs[0] == p ? 2.0 : 0, inputs[1], inputs[1] == p ? 2.0 : 0,
                    inputs[2], inputs[2] == p ? 2.0 : 0);
            BitSet d = tape.dependenciesOf((TapeNode) f);
            assertEquals(BitSet.valueOf(new long[] {1}), d, "the source is an input");
        }
        assertEquals(1.5, Var.fused(1.5, 2.0, 1, null, 0, 3.0, 1), "nothing tracked: a number");
        Tape other = new Tape();
        assertThrows(IllegalStateException.class, () -> Var.fused(0, p, 1, other.leaf(1.0), 1, null, 0));
    }

    // ---------------------------------------------------------------- n-ary sums

    @Test
    void narySumIsAChainOfAdditions() {
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + random.nextInt(12);
            double[] values = new double[n];
            boolean[] tracked = new boolean[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextGaussian();
                tracked[i] = random.nextBoolean();
            }
            Object[] chain = build(values, tracked, false);
            Object[] nary = build(values, tracked, true);
            Object c = chain[n];
            Object s = nary[n];
            assertEquals(AD.scalarValue(c), AD.scalarValue(s), 0.0, "value, added in the same order");
            if (!(c instanceof Var)) {
                assertInstanceOf(Double.class, s, "nothing tracked: a number");
                continue;
            }
            ((Var) c).tape.backward(c);
            ((Var) s).tape.backward(s);
            for (int i = 0; i < n; i++) {
                if (tracked[i]) {
                    assertEquals(((Var) chain[i]).adjoint(), ((Var) nary[i]).adjoint(), 0.0, "adjoint of input " + i);
                }
            }
            Tape.Decomposition dc = Tape.decompose(c);
            Tape.Decomposition ds = Tape.decompose(s);
            assertEquals(dc.constant(), ds.constant(), 1e-12, "constant");
            assertEquals(values(dc), values(ds), "terms");
        }
    }

    /** Inputs (tracked ones as products, so that each is a term) and their total, by additions or one sum. */
    private static Object[] build(double[] values, boolean[] tracked, boolean nary) {
        Tape tape = new Tape();
        Object[] out = new Object[values.length + 1];
        Object[] inputs = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = tracked[i] ? tape.leaf(values[i]) : (Object) values[i];
            inputs[i] = tracked[i] ? AD.mul(out[i], tape.leaf(1.0)) : out[i];
        }
        // a nested sum is walked through too
        Object total = 0.0;
        if (nary) {
            int half = values.length / 2;
            Object first = Var.sum(inputs, half);
            Object[] rest = new Object[values.length - half + 1];
            rest[0] = first;
            System.arraycopy(inputs, half, rest, 1, values.length - half);
            total = Var.sum(rest, rest.length);
        } else {
            for (Object x : inputs) {
                total = AD.add(total, x);
            }
        }
        out[values.length] = total;
        return out;
    }

    private static List<Double> values(Tape.Decomposition d) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < d.terms().size(); i++) {
            r.add(d.coefficients()[i] * d.terms().get(i).scalar());
        }
        java.util.Collections.sort(r);
        return r;
    }
}
