package org.ppl4j.stdlib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppl4j.stdlib.data.Fixtures.gzip;
import static org.ppl4j.stdlib.data.Fixtures.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplRecord;

class CsvReaderTest {
    private static final DataPath WHERE = new DataPath("load_csv", "d.csv");
    private static final String XY = "x,y,label\n1.5,2,a\n-3,4e2,b\n";

    private static Object read(String text, List<Object> columns, Boolean header) {
        return read(text.getBytes(StandardCharsets.UTF_8), columns, header, ',');
    }

    private static Object read(byte[] bytes, List<Object> columns, Boolean header, char delimiter) {
        return CsvReader.read(WHERE, stream(bytes), new CsvReader.Options(columns, header, delimiter));
    }

    private static Tensor tensor(String text) {
        return (Tensor) read(text, null, null);
    }

    private static String error(String text, List<Object> columns, Boolean header) {
        return assertThrows(IllegalArgumentException.class, () -> read(text, columns, header)).getMessage();
    }

    @Test
    void commentLinesAreSkippedWhenAsked() {
        // CmdStan's layout: settings as # lines before the header, and after the rows
        String text = "# method = variational\n#   steps = 2000\nmu,theta.1\n1.5,2\n# elapsed\n-3,4\n";
        PplRecord r = (PplRecord) CsvReader.read(WHERE, stream(text.getBytes(StandardCharsets.UTF_8)),
                new CsvReader.Options(null, true, ',', '#'));
        assertArrayEquals(new double[] {1.5, -3}, ((Tensor) r.fields().get("mu")).toArray());
        assertArrayEquals(new double[] {2, 4}, ((Tensor) r.fields().get("theta.1")).toArray());
        // without the option a # line is a header or data like any other
        assertThrows(IllegalArgumentException.class, () -> read(text, null, true));
    }

    @Test
    void numbersGiveAMatrixAndOneColumnAVector() {
        Tensor m = tensor("1,2\n3,4\n\n \t \r\n5,6\n  ");
        assertArrayEquals(new int[] {3, 2}, m.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.toArray());
        Tensor v = tensor("0.5\n-1\n2e-3");
        assertArrayEquals(new int[] {3}, v.shape());
        assertArrayEquals(new double[] {0.5, -1, 2e-3}, v.toArray());
    }

    @Test
    void aNonNumericFirstLineIsTheHeader() {
        Tensor t = tensor("a, b\n 1 , 2\n3,4\n");
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.toArray());
    }

    @Test
    void columnsByNameOrIndexInTheOrderAsked() {
        Tensor yx = (Tensor) read(XY, List.of("y", "x"), null);
        assertArrayEquals(new int[] {2, 2}, yx.shape());
        assertArrayEquals(new double[] {2, 1.5, 400, -3}, yx.toArray());
        Tensor x = (Tensor) read(XY, List.of(0), null);
        assertArrayEquals(new int[] {2}, x.shape());
        assertArrayEquals(new double[] {1.5, -3}, x.toArray());
        Tensor noHeader = (Tensor) read("1,2,3\n4,5,6\n", List.of(2, 0), null);
        assertArrayEquals(new double[] {3, 1, 6, 4}, noHeader.toArray());
    }

    @Test
    void headerTrueGivesARecordOfColumns() {
        PplRecord r = (PplRecord) read("x,y\n1,2\n3,4\n", null, true);
        assertEquals(List.of("x", "y"), List.copyOf(r.fields().keySet()));
        assertArrayEquals(new double[] {1, 3}, ((Tensor) r.get("x")).toArray());
        assertArrayEquals(new int[] {2}, ((Tensor) r.get("y")).shape());
        PplRecord some = (PplRecord) read(XY, List.of("y"), true);
        assertEquals(List.of("y"), List.copyOf(some.fields().keySet()));
        PplRecord all = (PplRecord) read(XY, null, true);
        assertEquals(new PplList(new Object[] {"a", "b"}), all.get("label"), "an all-text column is a list of strings");
        assertArrayEquals(new double[] {2, 400}, ((Tensor) all.get("y")).toArray());
        PplRecord numericNames = (PplRecord) read("1,2\n3,4\n", null, true);
        assertEquals(List.of("1", "2"), List.copyOf(numericNames.fields().keySet()));
    }

    @Test
    void aRecordColumnMixingNumbersAndTextFailsAtTheFirstText() {
        assertEquals("load_csv: d.csv:3: column 2 (y): expected a number, found 'n/a' (2 of the 3 cells of this column "
                + "are numbers)", error("x,y\n1,2\n3,n/a\n5,6\n", null, true));
        assertEquals("load_csv: d.csv:2: column 1 (x): the cell is empty; expected a number (1 of the 2 cells of this "
                + "column are numbers)", error("x\n\"\"\n5\n", null, true));
    }

    @Test
    void headerFalseReadsTheFirstLineAsData() {
        Tensor t = (Tensor) read("1,2\n3,4\n", null, false);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        String m = error("x,y\n1,2\n", null, false);
        assertEquals("load_csv: d.csv:1: column 1: expected a number, found 'x' (header: false says the file has no "
                + "header line)", m);
    }

    @Test
    void rfc4180QuotingAndLineNumbersAcrossQuotedLineBreaks() {
        String text = "name,value\n\"a, \"\"quoted\"\"\n note\",1\n\"b\",2\nc,oops\n";
        String m = error(text, List.of("value"), null);
        assertEquals("load_csv: d.csv:5: column 2 (value): expected a number, found 'oops'", m);
        Tensor v = (Tensor) read("\"1\",\" 2 \"\n", null, null);
        assertArrayEquals(new double[] {1, 2}, v.toArray());
    }

    @Test
    void onlySelectedColumnsMustBeNumbers() {
        assertTrue(error(XY, null, null).contains("d.csv:2: column 3 (label): expected a number, found 'a'"));
        assertArrayEquals(new int[] {2, 2}, ((Tensor) read(XY, List.of("x", "y"), null)).shape());
    }

    @Test
    void nanAndInfinityAsPandasAndNumpyWriteThem() {
        double[] v = tensor("nan\ninf\n-inf\nNaN\n-Infinity\n+1.\n.5\n").toArray();
        assertTrue(Double.isNaN(v[0]) && Double.isNaN(v[3]));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
                new double[] {v[1], v[2]});
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 1, 0.5}, new double[] {v[4], v[5], v[6]});
    }

    @Test
    void javaOnlyNumberSyntaxIsNotANumber() {
        assertTrue(error("1,2\n3f,4\n", null, null).contains("d.csv:2: column 1: expected a number, found '3f'"));
        assertTrue(error("1,2\n0x10,4\n", null, null).contains("found '0x10'"));
    }

    @Test
    void emptyCellsAndRaggedRowsAreErrorsAtTheirLine() {
        assertEquals("load_csv: d.csv:3: column 2 (b): the cell is empty; expected a number",
                error("a,b\n1,2\n3,\n", null, null));
        assertEquals("load_csv: d.csv:4: expected 2 columns, as on line 1, found 3", error("a,b\n1,2\n\n3,4,5\n",
                null, null));
        assertEquals("load_csv: d.csv:3: column 1 (x): the cell is empty; expected a number",
                error("x\n1\n\"\"\n3\n", null, null), "a quoted empty cell is not a blank line");
        assertEquals("load_csv: d.csv:4: column 2 (b): expected a number, found 'x'",
                error("a,b\r\n1,2\r\n  \r\n3,x\r\n", null, null), "blank lines count as lines");
    }

    @Test
    void unknownColumnsListTheHeader() {
        assertEquals("load_csv: d.csv:1: the header has no column 'z'; it has 'x', 'y', 'label'",
                error(XY, List.of("x", "z"), null));
        String m = error("1,2\n3,4\n", List.of("x"), null);
        assertTrue(m.contains("column 'x' is named, but the file has no header line (line 1 is numbers)"), m);
        String f = error("x,y\n3,4\n", List.of("x"), false);
        assertTrue(f.contains("column 'x' is named, but the file has no header line (header: false)"), f);
        assertTrue(error("1,2\n", List.of(5), null).contains("there is no column 5 (columns count from 0, and the file "
                + "has 2)"));
    }

    @Test
    void recordsNeedDistinctNonEmptyNames() {
        assertTrue(error("x,x\n1,2\n", null, true).contains("d.csv:1: column 2 (x): the header names two columns 'x'"));
        assertTrue(error("x,\n1,2\n", null, true).contains("d.csv:1: column 2: the header names no column here"));
    }

    @Test
    void emptyFilesAndHeaderOnlyFiles() {
        assertTrue(error("", null, null).contains("the file is empty"));
        assertTrue(error("\n  \n", null, null).contains("the file is empty"));
        assertTrue(error("x,y\n", null, null).contains("the file has a header but no rows of data"));
    }

    @Test
    void gzipByteOrderMarkAndOtherDelimiters() {
        byte[] gz = gzip("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new double[] {1, 2}, ((Tensor) read(gz, null, null, ',')).toArray());
        byte[] bom = "\uFEFFx;y\n1;2\n".getBytes(StandardCharsets.UTF_8);
        PplRecord r = (PplRecord) read(bom, null, true, ';');
        assertEquals(List.of("x", "y"), List.copyOf(r.fields().keySet()));
        byte[] tsv = "1\t2\n3\t4\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(new int[] {2, 2}, ((Tensor) read(tsv, null, null, '\t')).shape());
    }

    @Test
    void malformedCsvAndNonUtf8AreErrorsWithALine() {
        assertEquals("load_csv: d.csv:3: malformed CSV: a quoted cell that starts on this line is never closed",
                error("a,b\n1,2\n3,\"4\n", null, null));
        assertEquals("load_csv: d.csv:2: malformed CSV: a quoted cell is followed by other characters before the "
                + "next ','", error("a,b\n\"1\"x,2\n", null, null));
        byte[] latin1 = "x,name\n1,Jos\u00e9\n\u00e9,2\n".getBytes(StandardCharsets.ISO_8859_1);
        String l = assertThrows(IllegalArgumentException.class, () -> read(latin1, null, null, ',')).getMessage();
        assertEquals("load_csv: d.csv:2: column 2 (name): the file is not UTF-8 text here; save it as UTF-8", l);
        byte[] unread = "x,name\n1,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(new double[] {1}, ((Tensor) read(unread, List.of("x"), null, ',')).toArray(),
                "text in a column that is not read may be in any encoding");
        byte[] header = "\u00e9,b\n1,2\n".getBytes(StandardCharsets.ISO_8859_1);
        String h = assertThrows(IllegalArgumentException.class, () -> read(header, null, true, ',')).getMessage();
        assertEquals("load_csv: d.csv:1: column 1: the file is not UTF-8 text here; save it as UTF-8", h);
    }
}
