package org.ppl4j.stdlib.builtins;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.ad.AD;
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
                    int[] shape = {n, n};
                    double[] d = new double[Tensor.allocatableInJava(shape)]; // n * n in long: eye(46341) is too large
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
                }),
                Builtin.of("shape", List.of("x"), (a, c) -> {
                    Object x = Args.numeric("shape", "x", a[0]);
                    List<Object> dims = new ArrayList<>();
                    if (AD.isTensor(x)) {
                        for (int d : AD.tensorValue(x).shape()) {
                            dims.add((double) d);
                        }
                    }
                    return new PplList(dims.toArray());
                }),
                Builtin.of("reshape", List.of("x", "shape"), (a, c) -> {
                    Object x = Args.numeric("reshape", "x", a[0]);
                    if (!(a[1] instanceof PplList l)) {
                        throw new IllegalArgumentException("reshape: expected sizes such as [128, -1], got "
                                + Printer.kind(a[1]));
                    }
                    return AD.reshape(AD.isTensor(x) ? x : AD.tensorValue(x), inferred(l, AD.tensorValue(x).size()));
                }),
                Builtin.of("transpose", List.of("x"), (a, c) -> AD.transpose(Args.numeric("transpose", "x", a[0]))),
                new Builtin("concat", List.of("xs", "axis"), 1, false, (a, c) -> {
                    if (!(a[0] instanceof PplList l) || l.size() == 0) {
                        throw new IllegalArgumentException("concat: 'xs' must be a non-empty list of tensors");
                    }
                    Object[] parts = l.toArray();
                    for (int i = 0; i < parts.length; i++) {
                        parts[i] = Args.numeric("concat", "xs", parts[i]);
                    }
                    int axis = a.length > 1 && a[1] != null ? Args.count("concat", "axis", a[1], 0) : 0;
                    return AD.concat(parts, axis);
                }),
                // numbers into a vector, or tensors of one shape along a new axis (default 0); differentiable
                new Builtin("stack", List.of("xs", "axis"), 1, false, (a, c) -> {
                    if (!(a[0] instanceof PplList l) || l.size() == 0) {
                        throw new IllegalArgumentException("stack: 'xs' must be a non-empty list of numbers or tensors");
                    }
                    Object[] parts = l.toArray();
                    boolean scalars = true;
                    for (int i = 0; i < parts.length; i++) {
                        parts[i] = Args.numeric("stack", "xs", parts[i]);
                        scalars &= !AD.isTensor(parts[i]);
                    }
                    int[] shape = AD.tensorValue(parts[0]).shape();
                    int rank = AD.isTensor(parts[0]) ? shape.length : 0;
                    int axis = 0;
                    if (a.length > 1 && a[1] != null) {
                        double d = Args.number("stack", "axis", a[1]);
                        axis = (int) d;
                        if (d != axis || axis < -rank - 1 || axis > rank) {
                            throw new IllegalArgumentException("stack: 'axis' must be a whole number from " + (-rank - 1)
                                    + " to " + rank + " for values of rank " + rank + ", got " + Printer.show(a[1]));
                        }
                        axis = axis < 0 ? axis + rank + 1 : axis;
                    }
                    if (scalars) {
                        return AD.stack(parts);
                    }
                    int[] inserted = new int[rank + 1];
                    for (int i = 0, j = 0; i <= rank; i++) {
                        inserted[i] = i == axis ? 1 : shape[j++];
                    }
                    for (int i = 0; i < parts.length; i++) {
                        int[] si = AD.isTensor(parts[i]) ? AD.tensorValue(parts[i]).shape() : new int[0];
                        if (!java.util.Arrays.equals(si, AD.isTensor(parts[0]) ? shape : new int[0])) {
                            throw new IllegalArgumentException("stack: every value must have the same shape; element 0 "
                                    + "has shape " + java.util.Arrays.toString(rank == 0 ? new int[0] : shape)
                                    + ", element " + i + " has " + java.util.Arrays.toString(si));
                        }
                        parts[i] = AD.reshape(parts[i], inserted);
                    }
                    return AD.concat(parts, axis);
                }),
                Builtin.of("iid", List.of("n", "distribution"), (a, c) -> {
                    if (!(a[1] instanceof org.ppl4j.runtime.dist.Distribution d)) {
                        throw new IllegalArgumentException("iid: 'distribution' must be a distribution such as "
                                + "normal(0, 1), got " + Printer.kind(a[1]));
                    }
                    int[] leading = a[0] instanceof PplList l ? Args.shape("iid", l.toArray())
                            : new int[] {Args.count("iid", "n", a[0], 0)};
                    return org.ppl4j.stdlib.dist.Distributions.iid(leading, d);
                }),
                Builtin.of("where", List.of("cond", "a", "b"), (a, c) -> AD.where(
                        Args.numeric("where", "cond", a[0]), Args.numeric("where", "a", a[1]),
                        Args.numeric("where", "b", a[2]))),
                Builtin.of("one_hot", List.of("indices", "k"), (a, c) -> oneHot(
                        Args.numeric("one_hot", "indices", a[0]), Args.count("one_hot", "k", a[1], 1))),
                new Builtin("argmax", List.of("x", "axis"), 1, false, (a, c) -> argmax(
                        Args.numeric("argmax", "x", a[0]), a.length > 1 && a[1] != null
                                ? (int) Args.number("argmax", "axis", a[1]) : -1)));
    }

    /**
     * Indices of shape [...] (whole numbers in 0..k-1) as one-hot vectors, shape [..., k]. A value that came from a
     * random choice keeps its dependence on it, element for element along the indices' axes (so an enumerated or
     * per-element choice's rows stay independent through it); there is no gradient path through an index.
     */
    static Object oneHot(Object indices, int k) {
        Tensor ix = AD.tensorValue(AD.value(indices));
        int[] shape = AD.isTensor(indices) ? ix.shape() : new int[0];
        double[] v = ix.toArray();
        double[] d = new double[Tensor.allocatable(withLast(shape, k))];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < k && v[i] == Math.rint(v[i]))) {
                throw new IllegalArgumentException("one_hot: the indices must be whole numbers from 0 to " + (k - 1)
                        + ", got " + Printer.show(v[i]) + (v.length > 1 ? " at element " + i : ""));
            }
            d[i * k + (int) v[i]] = 1;
        }
        return AD.dependsOn(new Tensor(withLast(shape, k), d), indices);
    }

    private static int[] withLast(int[] shape, int k) {
        int[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = k;
        return s;
    }

    /**
     * The index of the largest element along an axis (default the last; the first one on a tie), a tensor of the
     * other axes' shape (a number for a vector); a constant, with no gradient.
     */
    static Object argmax(Object x, int axis) {
        if (!AD.isTensor(x)) {
            throw new IllegalArgumentException("argmax: expected a tensor, got " + AD.describe(x));
        }
        int k = AD.axis(x, axis);
        Tensor t = AD.tensorValue(AD.value(x));
        int[] shape = t.shape();
        int outer = 1;
        for (int i = 0; i < k; i++) {
            outer *= shape[i];
        }
        int n = shape[k];
        int inner = t.size() / Math.max(1, outer * n);
        if (n == 0) {
            throw new IllegalArgumentException("argmax: axis " + axis + " of " + AD.describe(x) + " has no elements");
        }
        double[] v = t.toArray();
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                for (int j = 1; j < n; j++) {
                    if (v[(o * n + j) * inner + i] > v[(o * n + best) * inner + i]) {
                        best = j;
                    }
                }
                r[o * inner + i] = best;
            }
        }
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != k) {
                out[j++] = shape[i];
            }
        }
        return out.length == 0 ? (Object) r[0] : new Tensor(out, r);
    }

    /** A shape with at most one -1, which stands for whatever size makes the element count {@code n}. */
    private static int[] inferred(PplList dims, int n) {
        int[] s = new int[dims.size()];
        int free = -1;
        int known = 1;
        for (int i = 0; i < s.length; i++) {
            double d = Args.number("reshape", "shape", dims.get(i));
            if (d == -1 && free < 0) {
                free = i;
                continue;
            }
            s[i] = Args.count("reshape", "shape", dims.get(i), 0);
            known *= s[i];
        }
        if (free >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer the -1 in " + Printer.show(dims) + " for "
                        + n + " elements");
            }
            s[free] = n / known;
        }
        return s;
    }

    private static int[] shape(String name, Object dims) {
        if (!(dims instanceof PplList l)) {
            throw new IllegalArgumentException(name + ": expected sizes, got " + Printer.kind(dims));
        }
        Object[] sizes = l.toArray();
        if (sizes.length == 1 && sizes[0] instanceof PplList inner) { // zeros([128, 20]) as well as zeros(128, 20)
            sizes = inner.toArray();
        }
        return Args.shape(name, sizes);
    }
}
