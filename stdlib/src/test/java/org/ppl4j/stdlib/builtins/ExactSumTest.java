package org.ppl4j.stdlib.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact sum behind data-parallel gradients: the correctly rounded sum, whatever the order and grouping. */
class ExactSumTest {
    @Test
    void anyOrderAndGroupingGivesTheCorrectlyRoundedSum() {
        Random r = new Random(42);
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < 5000; i++) { // magnitudes from 1e-30 to 1e30, both signs, cancelling in part
            xs.add((r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextInt(61) - 30) * r.nextDouble());
        }
        xs.add(1e300);
        xs.add(-1e300);
        xs.add(Double.MIN_VALUE);
        BigDecimal exact = BigDecimal.ZERO;
        for (double x : xs) {
            exact = exact.add(new BigDecimal(x));
        }
        double expected = exact.doubleValue(); // correctly rounded
        for (int trial = 0; trial < 5; trial++) {
            Collections.shuffle(xs, new Random(trial));
            int groups = 1 + trial * 3;
            ExactSum total = new ExactSum();
            for (int g = 0; g < groups; g++) {
                ExactSum part = new ExactSum();
                for (int i = g; i < xs.size(); i += groups) {
                    part.add(xs.get(i));
                }
                total.add(part);
            }
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(total.value()),
                    "order " + trial + ", " + groups + " groups: " + total.value() + " vs " + expected);
        }
    }

    @Test
    void cancellationIsExactAndSpecialValuesPropagate() {
        ExactSum s = new ExactSum();
        s.add(1e16);
        s.add(1.0);
        s.add(-1e16);
        assertEquals(1.0, s.value()); // a naive double sum gives 0
        s.add(Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, s.value());
        s.add(Double.NEGATIVE_INFINITY);
        assertEquals(Double.NaN, s.value());
    }

    @Test
    void aRowIsInExactlyOneBatchPerEpoch() {
        long n = 1003;
        for (long epoch = 0; epoch < 3; epoch++) {
            boolean[] seen = new boolean[(int) n];
            for (long i = 0; i < n; i++) {
                long p = DataParallelWorker.position(i, n, 9, epoch);
                assertEquals(false, seen[(int) p], "position " + p + " twice in epoch " + epoch);
                seen[(int) p] = true;
            }
        }
        // the order differs between epochs
        int same = 0;
        for (long i = 0; i < n; i++) {
            same += DataParallelWorker.position(i, n, 9, 0) == DataParallelWorker.position(i, n, 9, 1) ? 1 : 0;
        }
        assertEquals(true, same < 20, same + " rows kept their place");
    }

    /** The batch's rows found from its positions (the inverse permutation) are those found by testing every row. */
    @Test
    void theInversePermutationFindsTheBatchsRows() {
        long n = 1003;
        for (long i = 0; i < n; i++) {
            assertEquals(i, DataParallelWorker.rowAt(DataParallelWorker.position(i, n, 9, 2), n, 9, 2));
        }
        DataParallelWorker w = new DataParallelWorker(null, null, 10, true, 9, n, 1, true, null, 400, null,
                new org.ppl4j.vi.ParamStore());
        int found = 0;
        for (int step = 0; step < 250; step += 7) {
            for (long first = 0; first < n; first += 100) {
                int length = (int) Math.min(100, n - first);
                int[] fromPositions = w.selected(first, length, step); // batch 10 < 100 rows: walked back
                java.util.List<Integer> tested = new java.util.ArrayList<>();
                for (int r = 0; r < length; r++) {
                    if (w.inBatch(first + r, step)) {
                        tested.add(r);
                    }
                }
                assertEquals(tested, java.util.Arrays.stream(fromPositions).boxed().toList(),
                        "step " + step + ", block at " + first);
                found += fromPositions.length;
            }
        }
        assertEquals(36 * 10, found); // every step's batch of 10 is found once over the blocks
    }
}
