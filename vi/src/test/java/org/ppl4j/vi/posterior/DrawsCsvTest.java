package org.ppl4j.vi.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;

class DrawsCsvTest {
    private static ChoiceMap trace(double mu, double[] theta, double z1) {
        ChoiceMap c = new ChoiceMap();
        c.put(new Address("mu"), mu);
        c.put(new Address("theta"), new Tensor(new int[] {2, 2}, theta));
        c.put(new Address("z", 1), z1);
        return c;
    }

    @Test
    void stacksTracesAlongALeadingAxisAndNamesColumnsOneBasedAsCmdStan() throws Exception {
        Draws d = Draws.stack(List.of(trace(1.5, new double[] {1, 2, 3, 4}, -1),
                trace(2.5, new double[] {5, 6, 7, 8}, 0.25)));
        assertEquals(2, d.count());
        assertArrayEquals(new int[] {2, 2, 2}, d.byAddress().get(new Address("theta")).shape());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("method", "variational");
        settings.put("  steps", "100");
        StringWriter w = new StringWriter();
        DrawsCsv.write(w, settings, d);
        assertEquals("""
                # method = variational
                #   steps = 100
                mu,theta.1.1,theta.1.2,theta.2.1,theta.2.2,z.2
                1.5,1,2,3,4,-1
                2.5,5,6,7,8,0.25
                """, w.toString());
    }

    @Test
    void aSiteMissingFromARunOrChangingShapeIsAnError() {
        ChoiceMap partial = new ChoiceMap();
        partial.put(new Address("mu"), 1.0);
        assertThrows(IllegalArgumentException.class, () -> Draws.stack(List.of(trace(1, new double[4], 0), partial)));
        ChoiceMap other = new ChoiceMap();
        other.put(new Address("mu"), 1.0);
        other.put(new Address("theta"), new Tensor(new int[] {4}, new double[4]));
        other.put(new Address("z", 1), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Draws.stack(List.of(trace(1, new double[4], 0), other)));
    }
}
