package org.ppl4j.stdlib.builtins;

import com.oracle.truffle.api.TruffleFile;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.PplFiles;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.PplNothing;
import org.ppl4j.runtime.value.PplRecord;

/**
 * {@code summary(q)}: prints the summary table of a fit (the last fit with no argument); {@code plot(q, dir)}:
 * writes its plots as PNG files into {@code dir} and returns their paths. See {@link FitReport}.
 */
final class ReportBuiltins {
    private ReportBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("summary", List.of("fit"), 0, false, (a, c) -> {
                    c.printStream().print(FitReport.summary(fitOrLast("summary", a[0], c), c));
                    c.printStream().flush();
                    return PplNothing.INSTANCE;
                }),
                new Builtin("plot", List.of("fit", "dir"), 2, false, (a, c) -> {
                    PplRecord fit = FitReport.fitResult("plot", a[0]);
                    if (!(a[1] instanceof String dir)) {
                        throw new IllegalArgumentException("plot: 'dir' must be the name of a directory");
                    }
                    return new PplList(write(fit, dir, c).toArray());
                }));
    }

    private static Object fitOrLast(String builtin, Object fit, PplContext c) {
        if (fit != null) {
            return fit;
        }
        if (c.lastFit() == null) {
            throw new IllegalArgumentException(builtin + ": no fit has run yet; pass the result of fit(...)");
        }
        return c.lastFit();
    }

    /** Writes the plots through the context's file system, so an embedder's sandbox applies. */
    private static List<Object> write(PplRecord fit, String dir, PplContext context) {
        TruffleFile d = PplFiles.file(context, "plot", dir);
        List<Object> written = new ArrayList<>();
        try {
            d.createDirectories();
            for (Map.Entry<String, byte[]> e : FitReport.plots(fit).entrySet()) {
                TruffleFile f = d.resolve(e.getKey());
                try (OutputStream out = f.newOutputStream()) {
                    out.write(e.getValue());
                }
                written.add(f.getPath());
            }
        } catch (SecurityException e) {
            throw new IllegalArgumentException(PplFiles.refusal("plot", dir, e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("plot: cannot write to " + dir + ": " + e.getMessage());
        }
        return written;
    }
}
