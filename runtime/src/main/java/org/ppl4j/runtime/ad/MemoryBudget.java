package org.ppl4j.runtime.ad;

import java.util.Arrays;
import java.util.Locale;

/**
 * One budget for the memory of the whole process, the JVM heap and what ND4J and the kernels hold outside it,
 * checked before a tensor is allocated: the tensor's bytes (its elements times 8 for a Java-stored tensor, times
 * the large tensors' element size for one stored in ND4J) plus what the process holds now (its resident memory)
 * must stay within the budget. The budget is {@code PPL_MEMORY} (or the system property {@code ppl.memory}) as
 * bytes with an optional k, m, g or t suffix, else three quarters of the machine's (or container's) physical
 * memory. A tensor over it is an error naming its shape, its size and the budget at the user's line, instead of
 * a process that grows until the machine runs out (a loop keeping 1000 x 1000 tensors alive) or a native crash.
 */
public final class MemoryBudget {
    private MemoryBudget() {
    }

    /** The budget in bytes. */
    static final long BUDGET = budget(System.getenv("PPL_MEMORY"), System.getProperty("ppl.memory"));

    public static long budget() {
        return BUDGET;
    }

    /** The configured budget: the property over the variable over the default; an unreadable value is refused. */
    static long budget(String env, String property) {
        String given = property != null && !property.isBlank() ? property : env;
        if (given != null && !given.isBlank()) {
            long b = parse(given);
            if (b <= 0) {
                throw new IllegalArgumentException("PPL_MEMORY (or -Dppl.memory) wants a size such as 4g, 512m or "
                        + "1073741824 bytes; got '" + given + "'");
            }
            return b;
        }
        return physical() / 4 * 3;
    }

    /** "4g", "512M", "100000" (bytes); -1 when it is not a size. */
    static long parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            return v > 0 && v * unit < Long.MAX_VALUE ? (long) (v * unit) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The machine's physical memory (a container's limit where the JVM runs in one), or 4 GiB if unknown. */
    private static long physical() {
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                long total = sun.getTotalMemorySize();
                if (total > 0) {
                    return total;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through
        }
        return 4L << 30;
    }

    /**
     * Refuses a new tensor of {@code shape} ({@code bytes} in all) that would take the process past the budget;
     * collects garbage once before refusing (freed tensors count as held until then).
     */
    static void check(int[] shape, long bytes) {
        check(Arrays.toString(shape), bytes);
    }

    /** A kernel's result of at least {@link #CHECKED_BYTES} (smaller ones are not worth reading the memory for). */
    static void check(long[] shape, long bytes) {
        check(Arrays.toString(shape), bytes);
    }

    static final long CHECKED_BYTES = 1 << 20;

    private static void check(String shape, long bytes) {
        long held = held();
        if (held + bytes <= BUDGET) {
            return;
        }
        System.gc();
        held = held();
        if (held + bytes > BUDGET) {
            throw new IllegalArgumentException("a tensor of shape " + shape + " needs "
                    + mib(bytes) + " MiB, but the memory budget of " + mib(BUDGET) + " MiB has " + mib(Math.max(0,
                    BUDGET - held)) + " MiB left (" + mib(held) + " MiB held by the program, heap and native); keep "
                    + "fewer tensors alive, or set the budget with PPL_MEMORY=SIZE (e.g. 8g)");
        }
    }

    /**
     * What the process holds now: its resident memory where the system reports it (heap pages in use and
     * ND4J's native buffers alike), else the heap in use.
     */
    static long held() {
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long resident = resident();
        return Math.max(heap, resident);
    }

    private static long resident() {
        try {
            return org.bytedeco.javacpp.Pointer.physicalBytes();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
