package org.ppl4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux says about this process: resident memory now and at its peak, and which native libraries are mapped. */
public final class ProcessInfo {
    private ProcessInfo() {
    }

    /** VmRSS, in bytes; -1 where /proc is not there. */
    public static long rss() {
        return statusField("VmRSS:");
    }

    /** VmHWM, the peak resident set, in bytes; -1 where /proc is not there. */
    public static long peakRss() {
        return statusField("VmHWM:");
    }

    static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return parseKiB(line.substring(name.length())) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** "  123456 kB" as 123456. */
    static long parseKiB(String value) {
        String v = value.strip();
        if (!v.endsWith("kB")) {
            throw new IllegalArgumentException("not a kB figure: " + value);
        }
        return Long.parseLong(v.substring(0, v.length() - 2).strip());
    }

    /** Whether ND4J's native library is loaded into this process (so whether any tensor went to ND4J). */
    public static boolean nd4jLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("nd4jcpu");
        } catch (IOException e) {
            return false;
        }
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.0f MiB", bytes / 1048576.0);
    }
}
