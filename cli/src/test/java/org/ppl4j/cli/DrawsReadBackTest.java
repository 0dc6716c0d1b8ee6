package org.ppl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The draws one program writes with {@code --draws} (CmdStan's CSV) read back by a second ppl4j program with
 * {@code load_csv(..., header: true, comment: "#")}: the second program's numbers are those of the file.
 */
class DrawsReadBackTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProgramReadsTheColumnsOfTheFirstsDraws() throws IOException {
        Path first = dir.resolve("first.ppl");
        Files.writeString(first, """
                model m() {
                  mu ~ normal(0, 10)
                  w ~ normal(zeros(2), 1)
                  track t = mu + w
                  y ~ normal(mu, 2)
                }
                model g() {
                  param loc = 0.0
                  mu ~ normal(loc, 1)
                  w ~ normal(zeros(2), 1)
                }
                let q = fit(elbo(m(), g(), choices { y: 3.5 }), optimizer: adam(0.05), steps: 200, seed: 3)
                """);
        Path second = dir.resolve("second.ppl");
        Files.writeString(second, """
                let d = load_csv(arg("csv"), header: true, comment: "#")
                print(len(d.mu), sum(d.mu), sum(d["w.2"]), sum(d["t.2"]), sum(d.log_p__))
                """);
        Path csv = dir.resolve("draws.csv");
        Cli one = Cli.run("run", first.toString(), "--draws", csv.toString(), "--allow-path", dir.toString());
        assertEquals(0, one.code(), one.err());
        Cli two = Cli.run("run", second.toString(), "--allow-path", dir.toString(), "--csv", csv.toString());
        assertEquals(0, two.code(), two.err());
        List<String> rows = Files.readAllLines(csv).stream().filter(l -> !l.startsWith("#")).toList();
        List<String> header = List.of(rows.get(0).split(","));
        assertEquals(List.of("mu", "w.1", "w.2", "t.1", "t.2", "log_p__", "log_g__"), header);
        double[] sums = new double[header.size()];
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            for (int k = 0; k < sums.length; k++) {
                sums[k] += Double.parseDouble(cells[k]);
            }
        }
        String[] printed = two.out().trim().split(" ");
        assertEquals(rows.size() - 1, (int) Double.parseDouble(printed[0]));
        int[] columns = {0, 2, 4, 5};
        for (int i = 0; i < columns.length; i++) {
            double s = sums[columns[i]];
            assertEquals(s, Double.parseDouble(printed[1 + i]), 1e-9 * Math.max(1, Math.abs(s)), header.get(columns[i]));
        }
    }
}
