package org.ppl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a standalone cluster of this machine, through {@code spark/cluster-test.sh} (a Master and
 * a Worker JVM from the Maven repository's Spark jars, SparkSubmit in local[2], client and cluster deploy modes):
 * several minutes, so only with {@code -Dppl.spark.cluster=true} (docs/spark.md#a-cluster). It needs the -all jar
 * (the script builds it when missing).
 */
class SparkClusterTest {
    @Test
    void theThreeSubmissionsPrintTheSameBits(@TempDir Path tmp) throws Exception {
        assumeTrue(Boolean.getBoolean("ppl.spark.cluster"), "set -Dppl.spark.cluster=true to run the cluster test");
        Path root = Path.of("..").toAbsolutePath().normalize();
        // examples/spark/lr.ppl with 2 epochs in place of 10: the same program, a shorter run
        String lr = Files.readString(root.resolve("examples/spark/lr.ppl"));
        Path program = Files.writeString(tmp.resolve("lr.ppl"), lr.replace("epochs: 10", "epochs: 2"));
        Path dir = tmp.resolve("cluster");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("spark/cluster-test.sh").toString(),
                program.toString(), root.resolve("examples/spark/rows.csv").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("script.log").toFile());
        pb.environment().put("PPL_CLUSTER_DIR", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroy();
            throw new AssertionError("cluster-test.sh ran over 20 minutes");
        }
        String log = Files.readString(tmp.resolve("script.log"));
        assertEquals(0, p.exitValue(), log);
        List<String> local = Files.readAllLines(dir.resolve("local.params"));
        assertEquals(6, local.size(), log);
        for (String run : new String[] {"client", "cluster"}) {
            assertEquals(local, Files.readAllLines(dir.resolve(run + ".params")), run + "\n" + log);
        }
    }
}
