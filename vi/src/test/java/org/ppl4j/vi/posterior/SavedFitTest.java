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

    /** An automatic guide's description and the model's entry survive the file: nested maps, lists, nulls. */
    @Test
    void roundTripsTheAutomaticGuideAndTheModel() {
        Map<String, Object> site = new LinkedHashMap<>();
        site.put("support", "interval");
        site.put("low", -1.5);
        site.put("high", 2.0);
        site.put("address", "theta[2]");
        site.put("shape", null);
        site.put("local", true);
        Map<String, Object> automatic = new LinkedHashMap<>();
        automatic.put("kind", "auto_lowrank");
        automatic.put("name", "auto_lowrank(m)");
        automatic.put("init_scale", 0.1);
        automatic.put("sites", List.of(site, Map.of("support", "simplex", "shape", List.of(3.0))));
        automatic.put("discrete", List.of());
        automatic.put("rest", Map.of("name", "kguide", "args", List.of(2.0, "a \"b\"")));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", "m");
        model.put("args", List.of(4.0));
        model.put("observations", List.of(Map.of("address", "y", "shape", List.of(2.0), "values", List.of(0.25, -3.0))));
        SavedFit saved = SavedFit.of(store(), "auto_lowrank(m)", null);
        SavedFit back = SavedFit.decode(new SavedFit(saved.guide(), null, saved.params(), automatic, model).encode());
        assertEquals(automatic, back.automatic());
        assertEquals(model, back.model());
        org.ppl4j.runtime.value.ChoiceMap obs = SavedFit.observations(back.model());
        assertArrayEquals(new double[] {0.25, -3.0},
                ((Tensor) obs.lookup(new org.ppl4j.runtime.value.Address("y"))).toArray(), 0);
        // a file without the entries (an older writer's) has none
        assertEquals(null, SavedFit.decode(saved.encode()).automatic());
        assertEquals(null, SavedFit.decode(saved.encode()).model());
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

    /** A saved fit of {@link #store()} whose ppl4j_fit entry is replaced by {@code json}. */
    private static byte[] withEntry(String json) throws Exception {
        byte[] file = SavedFit.of(store(), "g", List.of(8.0)).encode();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(file));
             java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("ppl4j_fit.npy")) {
                    byte[] data = json.getBytes(StandardCharsets.UTF_8);
                    String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + data.length + ",), }\n";
                    java.io.ByteArrayOutputStream npy = new java.io.ByteArrayOutputStream();
                    npy.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
                    npy.write(header.getBytes(StandardCharsets.ISO_8859_1));
                    npy.write(data);
                    bytes = npy.toByteArray();
                }
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static final String GOOD = SavedFit.of(store(), "g", List.of(8.0)).json();

    @Test
    void readsItsOwnEntryRewrittenByAnotherWriter() throws Exception {
        // the same entry as another JSON writer may lay it out: other spacing, fields in another order, escapes
        String json = "{\"parameters\":[{\"constraint\":\"real\",\"shape\":[],\"name\":\"g.loc\"},"
                + "{\"name\":\"g.scale\",\"shape\":[],\"constraint\":\"positive\"},"
                + "{\"name\":\"g.w\",\"shape\":[2,3],\"constraint\":\"unit_interval\"}],"
                + "\"guide\":{\"args\":[8.0],\"name\":\"\\u0067\"},\"dtype\":\"float64\",\"version\":1,"
                + "\"format\":\"ppl4j-fit\"}";
        SavedFit back = SavedFit.decode(withEntry(json));
        assertEquals("g", back.guide());
        assertEquals(List.of(8.0), back.guideArgs());
        assertEquals(List.of(LOC, SCALE, W), back.toStore().keys());
        assertEquals(0.5, (Double) back.toStore().constrained(SCALE), 1e-15);
    }

    @Test
    void damagedOrMismatchedEntriesSayWhatIsWrong() throws Exception {
        String[][] cases = {
            {GOOD.replace("\"dtype\": \"float64\",", "\"dtype\": \"float64\""),
                "its ppl4j_fit entry is not valid JSON: line 2, column 2: expected ',' or '}' after a field, found '\"guide\": {\"n'"},
            {GOOD.replace("\"version\": 1", "\"version\": \"1\""),
                "its ppl4j_fit entry is damaged: the entry: \"version\": expected a number, found \"1\""},
            {GOOD.replace("\"version\": 1", "\"version\": 2"),
                "a saved fit of format version 2 (float64); this ppl4j reads version 1 (float64)"},
            {GOOD.replace("\"format\": \"ppl4j-fit\"", "\"format\": \"other\""),
                "not a saved fit: its ppl4j_fit entry is not a ppl4j-fit entry (\"format\": \"other\")"},
            {GOOD.replace("\"shape\": [2, 3]", "\"shape\": [2, \"3\"]"),
                "its ppl4j_fit entry is damaged: parameter g.w: \"shape\": expected an array of whole numbers from 0, found [2, \"3\"]"},
            {GOOD.replace("\"shape\": [2, 3]", "\"shape\": [3, 3]"),
                "the saved fit's array g.w holds 6 numbers; its entry says shape [3, 3]"},
            {GOOD.replace("\"constraint\": \"positive\"", "\"constraint\": \"posative\""),
                "its ppl4j_fit entry is damaged: parameter g.scale: \"constraint\": expected one of "
                    + org.ppl4j.runtime.param.Constraint.keywords() + ", found \"posative\""},
            {GOOD.replace("\"name\": \"g.loc\"", "\"name\": \"loc\""),
                "its ppl4j_fit entry is damaged: parameters[0].name: expected a name MODEL.PARAM such as \"g.loc\", found \"loc\""},
            {GOOD.replace("\"name\": \"g.loc\"", "\"name\": \"g.other\""),
                "the saved fit lists the parameter g.other but has no array g.other.npy"},
            {GOOD.replace("\"parameters\"", "\"params\""),
                "its ppl4j_fit entry is damaged: the entry: expected a field \"parameters\", found nothing (the field is missing)"},
            {GOOD.replace("\"args\": [8]", "\"args\": [[8]]"),
                "its ppl4j_fit entry is damaged: \"guide\".args[0]: expected a number, a string or a boolean, found [8]"},
            {"[1, 2]", "its ppl4j_fit entry is damaged: the entry: expected an object { ... }, found [1, 2]"},
        };
        for (String[] c : cases) {
            byte[] file = withEntry(c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedFit.decode(file), c[0]);
            assertEquals(c[1], e.getMessage(), c[0]);
        }
    }
}
