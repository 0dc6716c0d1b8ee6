package org.ppl4j.runtime.ad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppl4j.runtime.ad.GradCheck.check;
import static org.ppl4j.runtime.ad.GradCheck.tensor;

import org.junit.jupiter.api.Test;

/**
 * {@link Batched}: every batching rule gives, per iteration, what the operation gives on that iteration's value
 * (the loop's answer), and its gradients are those of the stacked operations (central differences, see
 * {@link GradCheck}).
 */
class BatchedTest {
    /** Iteration i of a batched value, as a tensor (or a number). */
    static Object row(Object batched, int i) {
        return AD.index(((Batched) batched).stacked(), i);
    }

    @Test
    void anUnbatchedOperandPairsWithEachIterationsValue() {
        // 3 iterations of a number, plus a vector of 2: each iteration's number plus the vector, [3, 2]
        Batched b = Batched.of(Tensor.vector(1, 2, 3), 3);
        Object sum = AD.add(b, Tensor.vector(10, 20));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new double[] {i + 11, i + 21}, ((Tensor) row(sum, i)).toArray(), "iteration " + i);
        }
        // two iterations of a vector of 3 against a vector of 3: elementwise per iteration (no mixing of axes)
        Batched v = Batched.of(new Tensor(new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}), 2);
        Object product = AD.mul(Tensor.vector(1, 10, 100), v);
        assertArrayEquals(new double[] {4, 50, 600}, ((Tensor) row(product, 1)).toArray());
        // a batched number and a batched vector: the number aligns with each iteration's vector
        Object mixed = AD.sub(v, Batched.of(Tensor.vector(1, 2), 2));
        assertArrayEquals(new double[] {2, 3, 4}, ((Tensor) row(mixed, 1)).toArray());
        assertEquals(2.0, AD.scalarValue(row(AD.exp(AD.log(Batched.of(Tensor.vector(1, 2), 2))), 1)), 1e-12);
    }

    @Test
    void reductionsAndProductsArePerIteration() {
        Batched v = Batched.of(new Tensor(new int[] {2, 2, 2}, new double[] {1, 2, 3, 4, 5, 6, 7, 8}), 2);
        assertArrayEquals(new double[] {10, 26}, ((Tensor) ((Batched) AD.sum(v)).stacked()).toArray());
        Tensor w = new Tensor(new int[] {2, 3}, new double[] {1, 0, 1, 0, 1, 1});
        Batched p = (Batched) AD.matmul(v, w);
        assertArrayEquals(new int[] {2, 3}, p.eventShape());
        assertArrayEquals(((Tensor) AD.matmul(row(v, 1), w)).toArray(), ((Tensor) row(p, 1)).toArray());
        Batched pv = (Batched) AD.matmul(Batched.of(tensor(0.5, 1, 3, 2), 3), Tensor.vector(1, -1));
        assertArrayEquals(new int[0], pv.eventShape());
        assertThrows(NotBatchable.class, () -> AD.matmul(w, v), "a batched right operand has no rule");
        assertThrows(NotBatchable.class, () -> AD.add(v, Batched.of(Tensor.vector(1, 2, 3), 3)), "3 and 2");
    }

    @Test
    void gradientsFlowThroughTheRules() {
        check("batched number plus unbatched vector, summed per iteration",
                xs -> ((Batched) AD.sum(AD.mul(Batched.of(xs[0], 3), xs[1]))).stacked(),
                tensor(-1, 2, 3), tensor(0.5, 1, 2));
        check("batched vectors times a matrix", xs -> ((Batched) AD.matmul(Batched.of(xs[0], 2), xs[1])).stacked(),
                tensor(-1, 2, 2, 3), tensor(0.25, 1, 3, 2));
        check("aligned and broadcast", xs -> AD.sum(AD.exp(((Batched) AD.sub(Batched.broadcast(xs[0], 2),
                Batched.of(xs[1], 2))).stacked())), tensor(-1, 2, 3), tensor(0.5, 1, 2));
    }
}
