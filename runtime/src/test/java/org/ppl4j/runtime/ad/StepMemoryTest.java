package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Step scopes ({@link Tensor#openStep}): what a step's kernels made is freed when it ends, unless kept by an owner
 * or escaped to user code; the owner frees what it kept when it lets go; views keep their base alive.
 */
class StepMemoryTest {
    static final int[] BIG = {120, 100}; // 12000 elements: stored in ND4J

    @Test
    void aStepFreesWhatItMadeAndKeepsWhatWasKeptOrEscaped() {
        long before = Tensor.stepArraysHeld();
        Tensor.openStep();
        Tensor scoped = Tensor.full(BIG, 2.0).scale(3);
        Tensor kept = Tensor.full(BIG, 5.0).keep();
        Tensor escaped = Tensor.full(BIG, 7.0).escape();
        Tensor small = Tensor.full(new int[] {3}, 1.0).scale(2);
        assertEquals(before + 4, Tensor.stepArraysHeld(), "full and scale made two arrays for scoped, one each else");
        Tensor.endStep();
        assertEquals(before + 2, Tensor.stepArraysHeld());
        assertThrows(IllegalStateException.class, () -> scoped.get(0), "reading a freed tensor is an error");
        assertEquals(5.0 * 12000, kept.sum());
        assertEquals(7.0 * 12000, escaped.sum());
        assertEquals(2.0, small.get(2));
        Tensor.releaseKept(kept);
        Tensor.releaseKept(escaped); // not the owner's to free: left to the garbage collector
        assertEquals(before + 1, Tensor.stepArraysHeld());
        assertThrows(IllegalStateException.class, kept::sum);
        assertEquals(7.0, escaped.get(11999));
    }

    /**
     * The buffers a step frees are pooled and handed to the next step's results of the same length, never to
     * two arrays at once and never while a kept or escaped tensor still uses them: after steps that overwrite
     * every pooled buffer with other values, what was kept or escaped reads as it was written. The pool stops
     * growing once a step takes from it what the step before gave, and releasePool empties it.
     */
    @Test
    void freedBuffersAreReusedByLaterStepsButNeverUnderAKeptOrEscapedTensor() {
        Tensor.releasePool();
        Tensor kept = null;
        Tensor escaped = null;
        long[] pooled = new long[6];
        for (int step = 0; step < pooled.length; step++) {
            Tensor.openStep();
            Tensor a = Tensor.full(BIG, step + 1.0).scale(2);
            Tensor b = a.plus(a).times(a);
            Tensor c = Tensor.matmul(Tensor.full(new int[] {120, 150}, 1.0), Tensor.full(new int[] {150, 100}, 0.5));
            assertEquals(8.0 * (step + 1) * (step + 1) * 12000, b.sum(), 1e-6 * b.sum());
            assertEquals(75.0 * 12000, c.sum(), 1e-6);
            if (step == 1) {
                kept = b.keep();
                escaped = c.escape();
            }
            Tensor.endStep();
            pooled[step] = Nd4jKernels.pooledBytes();
        }
        assertTrue(pooled[0] > 0, "a step's freed arrays go to the pool");
        assertEquals(pooled[3], pooled[5], "a step takes from the pool what the step before gave back");
        assertEquals(32.0 * 12000, kept.sum(), 1e-6 * kept.sum(), "a kept tensor is not overwritten");
        assertEquals(32.0, kept.get(11999));
        assertEquals(75.0, escaped.get(0), "an escaped tensor is not overwritten");
        Tensor.releaseKept(kept);
        Tensor.releasePool();
        assertEquals(0, Nd4jKernels.pooledBytes());
    }

    @Test
    void aTensorWithAJavaCopyStaysReadableAfterItsStep() {
        Tensor.openStep();
        Tensor t = Tensor.full(BIG, 4.0).scale(0.5);
        double first = t.get(0); // copies the elements out of ND4J once
        Tensor.endStep();
        assertEquals(2.0, first);
        assertEquals(2.0 * 12000, t.plus(t).scale(0.5).sum(), 1e-9, "a kernel copies its Java elements back in");
    }

    @Test
    void keepingOrEscapingAViewKeepsItsBase() {
        Tensor.openStep();
        Tensor base = Tensor.full(BIG, 1.0).scale(3);
        Tensor view = base.reshape(new int[] {12000}).keep();
        Tensor other = Tensor.full(BIG, 1.0).scale(2);
        Tensor escapedView = other.reshape(new int[] {100, 120}).escape();
        Tensor.endStep();
        assertEquals(3.0, view.get(11999));
        assertEquals(2.0, escapedView.get(0));
        assertEquals(3.0 * 12000, base.sum(), 1e-6, "the base was kept with its view");
        Tensor.releaseKept(view); // a view never frees its base's memory
        assertEquals(3.0, view.get(5));
    }

    @Test
    void smallTensorsCopiedIntoNd4jDuringAStepDropTheirCopyAndStayReadable() {
        Tensor small = new Tensor(new int[] {2, 50}, new double[100]);
        Tensor big = Tensor.full(new int[] {50, 300}, 1.0); // made outside any step: never freed by ppl4j
        Tensor.openStep();
        Tensor product = Tensor.matmul(small.plus(Tensor.full(new int[] {2, 50}, 1.0)), big); // a kernel reads it
        double p = product.get(0);
        Tensor.endStep();
        assertEquals(50.0, p);
        assertEquals(50.0 * 600, Tensor.matmul(small.plus(Tensor.full(new int[] {2, 50}, 1.0)), big).sum(), 1e-6);
        assertEquals(300.0 * 50, big.sum(), 1e-6);
    }

    @Test
    void aNestedStepHandsWhatItDidNotFreeToTheEnclosingStep() {
        long before = Tensor.stepArraysHeld();
        Tensor.openStep();
        Tensor.openStep();
        Tensor inner = Tensor.full(BIG, 1.0);
        Tensor.endStep();
        assertEquals(12000.0, inner.sum(), "the enclosing step may still use what the inner one made");
        assertTrue(Tensor.inStep());
        Tensor.endStep();
        assertEquals(before, Tensor.stepArraysHeld());
        assertThrows(IllegalStateException.class, () -> Tensor.full(BIG, 0).plus(inner));
    }
}
