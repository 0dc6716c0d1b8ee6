package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/**
 * {@code ppl run FILE --data [NAME=]PATH}: the free name NAME ({@code d} by default) bound to the columns of a CSV
 * file with a header line (or an .npz archive) before the program runs, the value {@code --spark} binds the same
 * name to (docs/spark.md), so that one program runs on one machine or on Spark. The temporary directory lies outside
 * the working directory (the cli module's folder): the file is readable because the command line names it.
 */
class DataOptionTest {
    @TempDir
    Path dir;

    private Path program(String text) throws IOException {
        return Files.writeString(dir.resolve("p.ppl"), text);
    }

    private Path csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void noStackTrace(Cli r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void bindsTheColumnsAsTheSparkCommandDoes() throws IOException {
        Path rows = csv("rows.csv", "x1,x2,y\n0.5,-1,1\n1.5,2.25,0\n-3,4,1\n");
        Path p = program("print(d)\nprint(sum(d.x1 * d.x2) + sum(d.y))\n");
        Cli r = Cli.run("run", p.toString(), "--data", rows.toString());
        assertEquals(0, r.code(), r.err());
        // what the Spark driver binds: one double[] per column, by the embedding API (SparkFit)
        LinkedHashMap<String, double[]> columns = new LinkedHashMap<>();
        columns.put("x1", new double[] {0.5, 1.5, -3});
        columns.put("x2", new double[] {-1, 2.25, 4});
        columns.put("y", new double[] {1, 0, 1});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PplProgram embedded = Ppl.compile(Files.readString(p), "p.ppl",
                PplOptions.defaults().withData("d", columns).withOutput(out))) {
            embedded.run();
        }
        assertEquals(out.toString(StandardCharsets.UTF_8), r.out());
        // 0.5 * -1 + 1.5 * 2.25 - 3 * 4 + 2 = -7.125
        assertEquals("-7.125", r.out().lines().toList().get(1));
    }

    @Test
    void aNameBeforeTheEqualsSignAndSeveralFiles() throws IOException {
        Path a = csv("a.csv", "u\n1\n2\n");
        Path b = csv("b.csv", "v,w\n10,20\n");
        Path p = program("print(sum(rows.u) + sum(other.v) * sum(other.w))\n");
        Cli r = Cli.run("run", p.toString(), "--data", "rows=" + a, "--data", "other=" + b);
        assertEquals(0, r.code(), r.err());
        assertEquals("203", r.out().strip());
    }

    @Test
    void anNpzArchiveGivesOneFieldPerArray() throws IOException {
        Path p = program("print(shape(d.weights))\n");
        Cli r = Cli.run("run", p.toString(), "--data", Path.of("../examples/data/arrays.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[2, 3]", r.out().strip());
    }

    @Test
    void theProgramMayReadTheFileItself() throws IOException {
        Path rows = csv("rows.csv", "x\n4\n5\n");
        Path p = program("print(sum(load_csv(\"" + rows.toString().replace("\\", "\\\\") + "\", header: true).x) + sum(d.x))\n");
        Cli r = Cli.run("run", p.toString(), "--data", rows.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("18", r.out().strip());
    }

    @Test
    void aMissingFileIsRefusedBeforeTheProgramRuns() throws IOException {
        Path p = program("print(\"ran\")\nprint(d)\n");
        Cli r = Cli.run("run", p.toString(), "--data", dir.resolve("nope.csv").toString());
        assertEquals(Main.NO_INPUT, r.code());
        assertEquals("ppl: --data " + dir.resolve("nope.csv") + ": no such file", r.err().strip());
        assertEquals("", r.out());
        Cli folder = Cli.run("run", p.toString(), "--data", dir.toString());
        assertEquals(Main.NO_INPUT, folder.code());
        assertTrue(folder.err().contains("this is a directory"), folder.err());
    }

    @Test
    void aBadCsvNamesTheLineAndColumn() throws IOException {
        Path rows = csv("bad.csv", "x1,x2\n1,2\n3,oops\n");
        Path p = program("print(\"ran\")\n");
        Cli r = Cli.run("run", p.toString(), "--data", rows.toString());
        assertEquals(Main.NO_INPUT, r.code());
        assertTrue(r.err().startsWith("ppl: --data: " + rows + ":3: column 2 (x2): expected a number, found 'oops'"),
                r.err());
        assertEquals("", r.out());
        noStackTrace(r);
    }

    @Test
    void namesThatCannotBeBound() throws IOException {
        Path rows = csv("rows.csv", "x\n1\n");
        Path p = program("print(1)\n");
        Cli library = Cli.run("run", p.toString(), "--data", "normal=" + rows);
        assertEquals(Main.NO_INPUT, library.code());
        assertTrue(library.err().contains("the standard library defines 'normal'"), library.err());
        Cli twice = Cli.run("run", p.toString(), "--data", rows.toString(), "--data", "d=" + rows);
        assertEquals(Main.USAGE, twice.code());
        assertTrue(twice.err().contains("--data binds 'd' twice"), twice.err());
        Cli typo = Cli.run("run", p.toString(), "--dat", rows.toString());
        assertEquals(Main.USAGE, typo.code());
        assertTrue(typo.err().contains("did you mean --data?"), typo.err());
        noStackTrace(library);
        noStackTrace(twice);
    }

    @Test
    void aProgramThatReadsTheArgumentDataGetsThePathAsBefore() throws IOException {
        // examples/vae/vae.ppl reads arg("data", DIR): --data DIR stays its argument, a folder, and binds nothing
        Path p = program("print(arg(\"data\", \"none\"))\n");
        Cli r = Cli.run("run", p.toString(), "--data", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(dir.toString(), r.out().strip());
    }

    @Test
    void withoutTheFlagTheFreeNameIsAnError() throws IOException {
        Path p = program("print(d)\n");
        Cli r = Cli.run("run", p.toString());
        assertEquals(Main.COMPILE_ERROR, r.code());
        assertTrue(r.err().contains("unknown name 'd'"), r.err());
    }
}
