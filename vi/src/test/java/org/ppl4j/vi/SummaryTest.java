package org.ppl4j.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void oddCount() {
        double[] x = {3, 1, 4, 1, 5};
        Summary s = Summary.of(x);
        // sorted 1 1 3 4 5; positions q (n - 1): 0.2, 2, 3.8
        assertEquals(2.8, s.mean(), 1e-15);
        assertEquals(Math.sqrt(12.8 / 4), s.sd(), 1e-15);
        assertEquals(1.0, s.q05(), 1e-15);
        assertEquals(3.0, s.q50(), 1e-15);
        assertEquals(4.8, s.q95(), 1e-12); // 4 + 0.8 (5 - 4)
        assertArrayEquals(new double[] {3, 1, 4, 1, 5}, x, 0.0); // input untouched
    }

    @Test
    void evenCountUnsortedInput() {
        Summary s = Summary.of(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        assertEquals(5.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(82.5 / 9), s.sd(), 1e-14);
        assertEquals(1.45, s.q05(), 1e-12); // position 0.45
        assertEquals(5.5, s.q50(), 1e-12); // position 4.5
        assertEquals(9.55, s.q95(), 1e-12); // position 8.55
    }

    @Test
    void skewedSamples() {
        // sorted -2.25 -0.125 0.5 3.5 7 1000; positions 0.25, 2.5, 4.75 (values checked against numpy.quantile)
        Summary s = Summary.of(new double[] {0.5, -2.25, 7, 1e3, 3.5, -0.125});
        assertEquals(168.10416666666666, s.mean(), 1e-12);
        assertEquals(407.55674771026264, s.sd(), 1e-10);
        assertEquals(-2.25 + 0.25 * 2.125, s.q05(), 1e-15);
        assertEquals(2.0, s.q50(), 1e-15);
        assertEquals(7 + 0.75 * 993, s.q95(), 1e-12);
    }

    @Test
    void singleSample() {
        Summary s = Summary.of(new double[] {4.2});
        assertEquals(4.2, s.mean());
        assertTrue(Double.isNaN(s.sd()));
        assertEquals(4.2, s.q05());
        assertEquals(4.2, s.q50());
        assertEquals(4.2, s.q95());
    }

    @Test
    void quantileEndpointsAndErrors() {
        double[] x = {2, 8, 5};
        assertEquals(2.0, Summary.quantile(x, 0));
        assertEquals(8.0, Summary.quantile(x, 1));
        assertEquals(6.5, Summary.quantile(x, 0.75)); // position 1.5
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Summary.quantile(x, 1.5));
    }
}
