package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;

/** Making tensors. */
final class TensorBuiltins {
    private TensorBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("zeros", List.of("shape"), 1, true, (a, c) -> Tensor.zeros(shape("zeros", a[0]))),
                new Builtin("ones", List.of("shape"), 1, true, (a, c) -> Tensor.ones(shape("ones", a[0]))),
                // the n x n identity matrix: its rows are the one-hot vectors of length n
                Builtin.of("eye", List.of("n"), (a, c) -> {
                    int n = Args.count("eye", "n", a[0], 1);
                    double[] d = new double[n * n];
                    for (int i = 0; i < n; i++) {
                        d[i * n + i] = 1;
                    }
                    return new Tensor(new int[] {n, n}, d);
                }),
                Builtin.of("tensor", List.of("values"), (a, c) -> {
                    if (a[0] instanceof PplList l) {
                        return Args.fromList("tensor", "values", l);
                    }
                    return Args.numeric("tensor", "values", a[0]);
                }));
    }

    private static int[] shape(String name, Object dims) {
        if (!(dims instanceof PplList l)) {
            throw new IllegalArgumentException(name + ": expected sizes, got " + Printer.kind(dims));
        }
        return Args.shape(name, l.toArray());
    }
}
