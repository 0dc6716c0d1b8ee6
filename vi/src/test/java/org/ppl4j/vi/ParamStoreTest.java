package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tape;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.ad.TensorVar;
import org.ppl4j.runtime.ad.Var;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;

class ParamStoreTest {
    static final ParamKey K = new ParamKey("coin_guide", "a");
    static final ParamKey T = new ParamKey("coin_guide", "w");
    static final double H = 1e-6;

    /** Gradient of f(constrained value of K) w.r.t. K's unconstrained value: tracked vs central differences. */
    static void checkChainRule(Constraint c, double init, Function<Object, Object> f) {
        ParamStore store = new ParamStore();
        store.constants().create(K, init, c);
        double u = (Double) store.unconstrained(K);
        Tape tape = new Tape();
        TrackedParams p = store.tracked(tape);
        tape.backward(f.apply(p.lookup(K)));
        double ad = (Double) p.gradients().get(K);
        store.set(K, u + H);
        double fp = AD.scalarValue(f.apply(store.constants().lookup(K)));
        store.set(K, u - H);
        double fm = AD.scalarValue(f.apply(store.constants().lookup(K)));
        double fd = (fp - fm) / (2 * H);
        assertEquals(fd, ad, 1e-6 * Math.max(1, Math.abs(fd)), c + " at " + init);
    }

    @Test
    void positiveTrackedValueIsExpOfTheUnconstrainedValue() {
        ParamStore store = new ParamStore();
        Object created = store.constants().create(K, 2.5, Constraint.POSITIVE);
        double u = (Double) store.unconstrained(K);
        assertEquals(Math.log(2.5), u, 0.0);
        assertEquals(2.5, (Double) created, 1e-15);
        Tape tape = new Tape();
        Object v = store.tracked(tape).lookup(K);
        Var var = assertInstanceOf(Var.class, v);
        assertEquals(Math.exp(u), var.value, 0.0);
        assertEquals(Math.exp(u), (Double) store.constrained(K), 0.0);
    }

    @Test
    void gradientsAreWithRespectToTheUnconstrainedValue() {
        // d/du (x^2 + 3x) with x = e^u is (2x + 3) x
        ParamStore store = new ParamStore();
        store.constants().create(K, 2.5, Constraint.POSITIVE);
        Tape tape = new Tape();
        TrackedParams p = store.tracked(tape);
        Object x = p.lookup(K);
        tape.backward(AD.add(AD.square(x), AD.mul(3.0, x)));
        assertEquals((2 * 2.5 + 3) * 2.5, (Double) p.gradients().get(K), 1e-12);
    }

    @Test
    void chainRuleMatchesFiniteDifferences() {
        Function<Object, Object> f = x -> AD.add(AD.square(x), AD.mul(3.0, AD.log(x)));
        for (double init : new double[] {0.1, 1.0, 2.5, 40.0}) {
            checkChainRule(Constraint.POSITIVE, init, f);
            checkChainRule(Constraint.REAL, init, f);
        }
        Function<Object, Object> g = x -> AD.add(AD.mul(2.0, AD.log(x)), AD.mul(3.0, AD.log1p(AD.neg(x))));
        for (double init : new double[] {0.01, 0.3, 0.5, 0.9}) {
            checkChainRule(Constraint.UNIT_INTERVAL, init, g);
        }
    }

    @Test
    void tensorParametersAreTrackedAsOneLeaf() {
        ParamStore store = new ParamStore();
        store.constants().create(T, Tensor.vector(1, 2, 4), Constraint.POSITIVE);
        assertArrayEquals(new double[] {0, Math.log(2), Math.log(4)},
                ((Tensor) store.unconstrained(T)).toArray(), 0.0);
        Tape tape = new Tape();
        TrackedParams p = store.tracked(tape);
        Object w = p.lookup(T);
        assertInstanceOf(TensorVar.class, w);
        // f = sum(w * c): df/du_i = c_i * w_i
        tape.backward(AD.sum(AD.mul(w, Tensor.vector(1, -1, 0.5))));
        Tensor g = (Tensor) p.gradients().get(T);
        assertArrayEquals(new double[] {1, -2, 2}, g.toArray(), 1e-12);
    }

    @Test
    void eachParameterHasOneLeafPerTape() {
        ParamStore store = new ParamStore();
        store.constants().create(K, 1.0, Constraint.POSITIVE);
        Tape tape = new Tape();
        TrackedParams p = store.tracked(tape);
        Object first = p.lookup(K);
        assertSame(first, p.lookup(K));
        assertSame(p, store.tracked(tape));
        assertSame(first, store.tracked(tape).create(K, 1.0, Constraint.POSITIVE));
        // x * x through two lookups: d/du e^{2u} = 2 e^{2u} = 2 at u = 0
        tape.backward(AD.mul(p.lookup(K), p.lookup(K)));
        assertEquals(2.0, (Double) p.gradients().get(K), 1e-15);
        assertEquals(1, p.leaves().size());
    }

    @Test
    void rejectsAnInitialValueOutsideItsConstraint() {
        ParamStore store = new ParamStore();
        ParamProvider constants = store.constants();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> constants.create(K, -1.5, Constraint.POSITIVE));
        assertTrue(e.getMessage().contains("coin_guide.a"), e.getMessage());
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertTrue(e.getMessage().contains("-1.5"), e.getMessage());
        assertEquals(0, store.size());

        e = assertThrows(IllegalArgumentException.class,
                () -> store.tracked(new Tape()).create(T, Tensor.vector(0.5, 1.0), Constraint.UNIT_INTERVAL));
        assertTrue(e.getMessage().contains("coin_guide.w"), e.getMessage());
        assertTrue(e.getMessage().contains("unit_interval"), e.getMessage());
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> constants.create(K, Double.NaN, Constraint.REAL));
        assertTrue(e.getMessage().contains("real") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> constants.create(K, 0.0, Constraint.POSITIVE));
        assertThrows(IllegalArgumentException.class, () -> constants.create(K, "x", Constraint.REAL));
        assertFalse(store.contains(K));
    }

    @Test
    void redeclaringWithAnotherConstraintIsAnError() {
        ParamStore store = new ParamStore();
        store.constants().create(K, 1.0, Constraint.POSITIVE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.constants().create(K, 1.0, Constraint.REAL));
        assertTrue(e.getMessage().contains("coin_guide.a"), e.getMessage());
    }

    @Test
    void createOfAnExistingParameterReturnsItsCurrentValue() {
        ParamStore store = new ParamStore();
        store.constants().create(K, 1.0, Constraint.REAL);
        store.set(K, 7.0);
        assertEquals(7.0, store.constants().create(K, 1.0, Constraint.REAL));
    }

    @Test
    void unknownParametersLookUpAsNull() {
        ParamStore store = new ParamStore();
        assertNull(store.constants().lookup(K));
        assertNull(store.tracked(new Tape()).lookup(K));
        assertNull(store.unconstrained(K));
        assertNull(store.constraint(K));
    }

    @Test
    void keysKeepCreationOrderAndValuesAreConstrained() {
        ParamStore store = new ParamStore();
        ParamKey b = new ParamKey("z", "b");
        store.constants().create(b, 0.25, Constraint.UNIT_INTERVAL);
        store.tracked(new Tape()).create(K, 3.0, Constraint.POSITIVE);
        store.constants().create(T, Tensor.vector(-1, 1), Constraint.REAL);
        assertEquals(List.of(b, K, T), store.keys());
        assertEquals(Constraint.UNIT_INTERVAL, store.constraint(b));
        Map<ParamKey, Object> v = store.constrainedValues();
        assertEquals(List.of(b, K, T), List.copyOf(v.keySet()));
        assertEquals(0.25, (Double) v.get(b), 1e-15);
        assertEquals(3.0, (Double) v.get(K), 1e-15);
        assertEquals(Tensor.vector(-1, 1), v.get(T));
        store.set(K, 0.0);
        assertEquals(1.0, (Double) store.constrainedValues().get(K), 0.0);
        assertThrows(IllegalArgumentException.class, () -> store.set(T, Tensor.vector(1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> store.set(T, 1.0));
        assertThrows(IllegalArgumentException.class, () -> store.set(new ParamKey("no", "such"), 1.0));
    }
}
