package org.ppl4j.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every JVM of a data-parallel fit needs to compile the program and reach its fit: the program text, the
 * data's name, a sample of its first rows (bound to that name), the row count and the seed. Broadcast once.
 */
final class Spec implements Serializable {
    private static final long serialVersionUID = 1L;
    final String source;
    final String fileName;
    final String dataName;
    final long seed;
    final boolean float64;
    final long rows;
    final LinkedHashMap<String, double[]> head;
    /** Batch steps per driver step (1: synchronous). */
    final int localSteps;
    /** A test hook: partition 0's task of this step fails after its work (-1: none), in its first attempts. */
    final int failStep;
    final int failAttempts;
    final String key;

    Spec(String source, String fileName, String dataName, long seed, boolean float64, long rows,
            LinkedHashMap<String, double[]> head, int localSteps, int failStep, int failAttempts) {
        this.source = source;
        this.fileName = fileName;
        this.dataName = dataName;
        this.seed = seed;
        this.float64 = float64;
        this.rows = rows;
        this.head = head;
        this.localSteps = localSteps;
        this.failStep = failStep;
        this.failAttempts = failAttempts;
        this.key = digest();
    }

    /** The key of the compiled copies of this program on an executor: a digest of all that shapes them. */
    private String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((source + "\0" + fileName + "\0" + dataName + "\0" + seed + "\0" + float64 + "\0" + rows)
                    .getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, double[]> e : head.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                for (double v : e.getValue()) {
                    long b = Double.doubleToLongBits(v);
                    for (int i = 0; i < 8; i++) {
                        md.update((byte) (b >>> (8 * i)));
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
