package org.ppl4j.vi.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.vi.ParamStore;

class SavedFitTest {
    private static final ParamKey LOC = new ParamKey("g", "loc");
    private static final ParamKey SCALE = new ParamKey("g", "scale");
    private static final ParamKey W = new ParamKey("g", "w");

    private static ParamStore store() {
        ParamStore s = new ParamStore();
        s.put(LOC, Constraint.REAL, 1.25);
        s.put(SCALE, Constraint.POSITIVE, Math.log(0.5));
        s.put(W, Constraint.UNIT_INTERVAL, new Tensor(new int[] {2, 3}, new double[] {-1, 0, 1, 2, 3, -0.5}));
        return s;
    }

    @Test
    void roundTripsValuesShapesConstraintsAndTheGuide() {
        ParamStore s = store();
        byte[] file = SavedFit.of(s, "g", List.of(8.0, "x", true)).encode();
        SavedFit back = SavedFit.decode(file);
        assertEquals("g", back.guide());
        assertEquals(List.of(8.0, "x", true), back.guideArgs());
        ParamStore t = back.toStore();
        assertEquals(List.of(LOC, SCALE, W), t.keys());
        assertEquals(0.5, (Double) t.constrained(SCALE), 1e-15);
        assertEquals(Math.log(0.5), (Double) t.unconstrained(SCALE), 1e-15);
        assertEquals(Constraint.UNIT_INTERVAL, t.constraint(W));
        assertArrayEquals(((Tensor) s.constrained(W)).toArray(), ((Tensor) t.constrained(W)).toArray(), 1e-15);
        assertArrayEquals(new int[] {2, 3}, ((Tensor) t.constrained(W)).shape());
        // numpy's .npy header: magic, version 1.0, a dict padded so the data starts at a multiple of 64
        String text = new String(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"), text);
        assertTrue(text.contains("'shape': (), }"), text);
    }

    @Test
    void namesEveryMismatchWithAProgram() {
        SavedFit saved = SavedFit.of(store(), "g", List.of());
        Map<ParamKey, SavedFit.Param> program = new LinkedHashMap<>();
        program.put(LOC, new SavedFit.Param(LOC, new int[0], Constraint.POSITIVE, new double[] {1}));
        program.put(W, new SavedFit.Param(W, new int[] {3, 2}, Constraint.UNIT_INTERVAL, new double[6]));
        ParamKey extra = new ParamKey("g", "extra");
        program.put(extra, new SavedFit.Param(extra, new int[0], Constraint.REAL, new double[1]));
        assertEquals(List.of("g.loc: constraint real in the saved fit, positive in the program",
                "g.w: shape [2, 3] in the saved fit, [3, 2] in the program",
                "g.extra: in the program, not in the saved fit",
                "g.scale: in the saved fit, not in the program"), saved.mismatches(program));
    }

    @Test
    void refusesOtherFiles() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> SavedFit.decode("not a zip".getBytes()));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("x.npy"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedFit.decode(bytes.toByteArray()));
        assertTrue(e.getMessage().contains("no ppl4j_fit entry"), e.getMessage());
        String json = SavedFit.of(store(), null, null).json();
        assertTrue(json.startsWith("{\"format\": \"ppl4j-fit\", \"version\": 1, \"dtype\": \"float64\""), json);
    }
}
