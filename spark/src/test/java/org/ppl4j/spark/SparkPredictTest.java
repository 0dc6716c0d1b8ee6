package org.ppl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppl4j.embed.Ppl;
import org.ppl4j.embed.PplOptions;
import org.ppl4j.embed.PplProgram;

/** Posterior predictive summaries of a saved fit over a DataFrame, against {@code LoadedFit.predict} row by row. */
class SparkPredictTest {
    @BeforeAll
    static void start() {
        SparkFitTest.start();
    }

    @AfterAll
    static void stop() {
        SparkFitTest.stop();
    }

    static final String MODELS = SparkFitTest.LOGISTIC.substring(0, SparkFitTest.LOGISTIC.indexOf("let q"));

    @Test
    void predictiveColumnsEqualPredictOnTheSameRows(@TempDir Path tmp) throws Exception {
        double[][] cols = SparkFitTest.logistic(500, 13);
        Path saved = tmp.resolve("fit.npz");
        try (PplProgram p = Ppl.compile(MODELS + """
                let q = fit(elbo(lr(d.x1, d.x2), guide(), choices { y: d.y }), steps: 300,
                            optimizer: adam(0.05), samples: 10)
                """, "fit.ppl", PplOptions.defaults().withData("d", SparkFitTest.record(cols)))) {
            p.run().saveLastFit(saved);
        }
        byte[] fit = Files.readAllBytes(saved);
        double[][] few = {java.util.Arrays.copyOf(cols[0], 16), java.util.Arrays.copyOf(cols[1], 16),
            java.util.Arrays.copyOf(cols[2], 16)};
        Dataset<Row> rows = SparkFitTest.frame(few, 3);
        List<Row> out = SparkPredict.of(MODELS, "models.ppl", fit).model("lr", "x1", "x2").sites("y").draws(200)
                .seed(4).apply(rows).collectAsList(); // 16 rows: a test may collect them
        assertEquals(16, out.size());
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            assertEquals(few[0][i], r.getDouble(0), "the row's own columns come first, in order");
            try (PplProgram p = Ppl.compile(MODELS, "models.ppl", PplOptions.defaults()
                    .withSeed(SparkPredict.rowSeed(4, i)).withAllowedPath(tmp))) {
                Map<String, Object> pp = p.run().loadFit(saved).predict(200, "lr", few[0][i], few[1][i]);
                double[] y = (double[]) pp.get("y");
                double mean = 0;
                for (double v : y) {
                    mean += v / y.length;
                }
                assertEquals(mean, r.getDouble(r.fieldIndex("y_mean")), 0.0, "row " + i);
            }
        }
        // the draws follow the fit: rows whose x2 is large have y = 1 nearly always (logits 0.5 - x1 + 2 x2)
        for (int i = 0; i < out.size(); i++) {
            double logit = 0.5 - few[0][i] + 2 * few[1][i];
            if (logit > 4) {
                assertTrue(out.get(i).getDouble(out.get(i).fieldIndex("y_mean")) > 0.9, "row " + i);
            }
        }
    }
}
