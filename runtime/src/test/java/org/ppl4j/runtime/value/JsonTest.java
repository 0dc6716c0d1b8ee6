package org.ppl4j.runtime.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;

/** Tensors are written straight from their elements, row-major, nested by axis; non-finite numbers as null. */
class JsonTest {
    @Test
    void tensorsOfEveryRank() {
        assertEquals("[1,2.5,null]", Json.write(new Tensor(new int[] {3}, new double[] {1, 2.5, Double.NaN})));
        assertEquals("[[1,2,3],[4,5,null]]", Json.write(new Tensor(new int[] {2, 3},
                new double[] {1, 2, 3, 4, 5, Double.POSITIVE_INFINITY})));
        assertEquals("[[[1],[2]],[[3],[4]]]", Json.write(new Tensor(new int[] {2, 2, 1}, new double[] {1, 2, 3, 4})));
        assertEquals("-0.25", Json.write(new Tensor(new int[] {}, new double[] {-0.25})));
        assertEquals("[]", Json.write(new Tensor(new int[] {0}, new double[0])));
        assertEquals("[[],[]]", Json.write(new Tensor(new int[] {2, 0}, new double[0])));
        assertEquals("[[1.0e-7,1.5e300]]", Json.write(new Tensor(new int[] {1, 2}, new double[] {1e-7, 1.5e300})));
    }

    @Test
    void aLongHistoryInARecord() {
        int n = 1_500_000;
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            h[i] = i % 2 == 0 ? i : -0.5;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("history", new Tensor(new int[] {n}, h));
        String json = Json.write(new PplRecord("objective summary", fields));
        assertTrue(json.startsWith("{\"history\":[0,-0.5,2,-0.5,"), json.substring(0, 40));
        assertTrue(json.endsWith(",-0.5,1499998,-0.5]}"), json.substring(json.length() - 40));
        assertEquals(n - 1, json.chars().filter(c -> c == ',').count());
    }
}
