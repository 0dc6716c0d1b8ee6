package org.ppl4j.runtime.ad;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.ppl4j.kernels.FloatKernels;

/**
 * Which code multiplies float32 matrices: OpenBLAS's {@code cblas_sgemm} or ppl4j's own product
 * ({@link FloatKernels#matmul}), chosen by {@code -Dppl.products=own|blas|auto} (default auto). Auto takes the own
 * product where the own kernels run, have one (512-bit vectors), and the bundled OpenBLAS is held by the
 * environment's {@code OPENBLAS_CORETYPE} to a CPU type whose kernels are narrower (Haswell's AVX2 on an AVX-512
 * machine: the own product is 1.3-1.6 times as fast there, docs/kernels.md). OpenBLAS's own AVX-512 kernels,
 * which it picks when left to itself, are faster than the own product, so auto keeps them.
 *
 * <p>Touches neither ND4J nor OpenBLAS's classes: {@code ppl --version} asks here without loading either.
 */
final class Products {
    private static final String ASKED = System.getProperty("ppl.products", "auto");

    private Products() {
    }

    /** Whether the given kernels' product runs rather than BLAS's, in this JVM's environment. */
    static boolean own(FloatKernels k) {
        if (k == null || k.matmulName() == null) {
            return false;
        }
        switch (ASKED) {
            case "own":
                return true;
            case "blas":
                return false;
            default:
                return blasHeldBelow512(System.getenv("OPENBLAS_CORETYPE"));
        }
    }

    /** Whether OpenBLAS's {@code OPENBLAS_CORETYPE} names a CPU type without AVX-512 matrix kernels. */
    static boolean blasHeldBelow512(String coreType) {
        if (coreType == null || coreType.isBlank()) {
            return false; // OpenBLAS picks for the CPU itself: its AVX-512 kernels where the CPU has them
        }
        String c = coreType.trim().toUpperCase(Locale.ROOT);
        return !(c.equals("SKYLAKEX") || c.equals("COOPERLAKE") || c.equals("SAPPHIRERAPIDS"));
    }

    /** What multiplies float32 matrices in this JVM, for {@code ppl --version}. */
    static String describe() {
        String core = System.getenv("OPENBLAS_CORETYPE");
        String blas = "OpenBLAS " + blasVersion() + (core == null ? "" : " (OPENBLAS_CORETYPE=" + core + ")");
        FloatKernels live = FloatKernels.live();
        if (own(live)) {
            return live.matmulName() + "; " + blas + " for float64";
        }
        if (live == null && !"blas".equals(ASKED) && blasHeldBelow512(core)) {
            return blas + "; ppl4j's own product in the large-tensor JVM where the CPU has 512-bit vectors";
        }
        return blas;
    }

    /** The bundled OpenBLAS's version, from its jar's Maven properties (its class would load the library). */
    private static String blasVersion() {
        try (InputStream in = Products.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.bytedeco/openblas/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                int dash = v.indexOf('-');
                return dash > 0 ? v.substring(0, dash) : v; // 0.3.28-1.5.11: OpenBLAS 0.3.28 on JavaCPP 1.5.11
            }
        } catch (IOException e) {
            // fall through
        }
        return "(version unknown)";
    }
}
