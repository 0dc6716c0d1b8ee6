package org.ppl4j.vi.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = JsonReader.parse(" {\"a\": [1, -2.5e3, 0.125, true, false, null, \"x\\\"y\\\\z\\n\\u00e9\"],\n"
                + " \"b\": {}, \"c\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1.0, a.get(0));
        assertEquals(-2500.0, a.get(1));
        assertEquals(0.125, a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertEquals(Boolean.FALSE, a.get(4));
        assertSame(JsonReader.NULL, a.get(5));
        assertEquals("x\"y\\z\né", a.get(6));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void errorsSayWhereAndWhatWasExpected() {
        String[][] cases = {
            {"{\"a\": 1,\n \"b\" 2}", "line 2, column 6: expected ':' after the field name, found '2}'"},
            {"{\"a\": [1, 2}", "line 1, column 12: expected ',' or ']' after an element, found '}'"},
            {"{\"a\": 1", "line 1, column 8: expected ',' or '}' after a field, found the end of the entry"},
            {"{\"a\": tru}", "line 1, column 7: expected a value (an object, an array, a string, a number, true, false"
                + " or null), found 'tru}'"},
            {"{\"a\": 01}", "line 1, column 8: expected ',' or '}' after a field, found '1}'"},
            {"{\"a\": 1.}", "line 1, column 9: expected a digit after the decimal point, found '}'"},
            {"{\"a\": \"open}", "line 1, column 13: expected the closing '\"' of a string, found the end of the entry"},
            {"{\"a\": 1, \"a\": 2}", "line 1, column 10: expected no second field \"a\", found '\"a\": 2}'"},
            {"{} {}", "line 1, column 4: expected the end of the entry after its value, found '{}'"},
            {"{a: 1}", "line 1, column 2: expected a field name in double quotes, found 'a: 1}'"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(c[0]), c[0]);
            assertEquals(c[1], e.getMessage(), c[0]);
        }
    }
}
