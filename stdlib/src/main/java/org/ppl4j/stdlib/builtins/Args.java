package org.ppl4j.stdlib.builtins;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;

/** Argument conversions shared by builtins, each failing with a message that names the builtin. */
final class Args {
    private Args() {
    }

    static double number(String builtin, String param, Object v) {
        Object x = AD.value(v);
        if (x instanceof Double d) {
            return d;
        }
        throw new IllegalArgumentException(builtin + ": '" + param + "' must be a number, got " + Printer.kind(v));
    }

    static int count(String builtin, String param, Object v, int min) {
        double d = number(builtin, param, v);
        if (d != Math.rint(d) || d < min) {
            throw new IllegalArgumentException(builtin + ": '" + param + "' must be a whole number >= " + min
                    + ", got " + Printer.number(d));
        }
        if (d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(builtin + ": '" + param + "' must be at most 2147483647 (2^31 - 1, "
                    + "the largest count and size ppl4j handles), got " + Printer.number(d));
        }
        return (int) d;
    }

    /**
     * A list of numbers or of equal-shaped tensors (tracked or not), or a tensor, as one numeric value: lists are
     * stacked along a new first axis.
     */
    static Object numeric(String builtin, String param, Object v) {
        if (AD.isNumeric(v)) {
            return v;
        }
        if (v instanceof PplList l) {
            return fromList(builtin, param, l);
        }
        throw new IllegalArgumentException(builtin + ": '" + param + "' must be a number, a list or a tensor, got "
                + Printer.kind(v));
    }

    /** A (possibly nested) list as a tensor; elements that are tracked keep their gradient path. */
    static Object fromList(String builtin, String param, PplList l) {
        Object[] elems = l.toArray();
        boolean nested = elems.length > 0 && elems[0] instanceof PplList;
        if (!nested) {
            Object stacked = org.ppl4j.runtime.ad.Axes.stack(elems);
            if (stacked == null) {
                for (Object e : elems) {
                    if (!AD.isNumeric(e)) {
                        throw new IllegalArgumentException(builtin + ": '" + param + "' must contain only numbers,"
                                + " found " + Printer.kind(e));
                    }
                }
                throw new IllegalArgumentException(builtin + ": '" + param + "' must contain numbers, or tensors all"
                        + " of one shape");
            }
            return stacked;
        }
        List<double[]> rows = new ArrayList<>();
        int[] inner = null;
        for (Object e : elems) {
            if (!(e instanceof PplList row)) {
                throw new IllegalArgumentException(builtin + ": '" + param + "' mixes lists and numbers");
            }
            Tensor t = AD.tensorValue(AD.value(fromList(builtin, param, row)));
            if (inner != null && !java.util.Arrays.equals(inner, t.shape())) {
                throw new IllegalArgumentException(builtin + ": '" + param + "' has rows of different lengths");
            }
            inner = t.shape();
            rows.add(t.toArray());
        }
        int[] shape = new int[inner.length + 1];
        shape[0] = rows.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        double[] data = new double[Tensor.numel(shape)];
        int n = Tensor.numel(inner);
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, data, i * n, n);
        }
        return new Tensor(shape, data);
    }

    /** An objective applied to its arguments, {@code elbo(model, guide, obs)}. */
    static org.ppl4j.runtime.value.ObjectiveInstance objective(String builtin, Object v) {
        if (v instanceof org.ppl4j.runtime.value.ObjectiveInstance o) {
            return o;
        }
        throw new IllegalArgumentException(builtin + ": expected an objective such as elbo(model, guide, obs), got "
                + Printer.kind(v));
    }

    static int[] shape(String builtin, Object[] dims) {
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = count(builtin, "shape", dims[i], 0);
        }
        return shape;
    }
}
