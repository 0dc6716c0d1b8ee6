package org.ppl4j.stdlib.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Axes;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.BuiltinValue;
import org.ppl4j.runtime.estimate.ObjectiveRun;
import org.ppl4j.runtime.trace.Handler;
import org.ppl4j.runtime.value.FunctionValue;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;

/**
 * {@code replicate(k) { body }} and {@code map(xs, f)}: run a function once per iteration and collect the
 * values. Each iteration is announced to the running handler, so random choices made inside are distinct
 * per iteration (in a model {@code x} becomes {@code x[i]}; in an objective the site keys get the iteration).
 * The values form a tensor when every one is a number, or every one a tensor of the same shape (stacked along a
 * new first axis; tracked values keep their gradient paths), else a list.
 */
final class IterationBuiltins {
    private IterationBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                new Builtin("replicate", List.of("k", "body", "vectorise"), 2, false, (a, c) -> {
                    int k = Args.count("replicate", "k", a[0], 1);
                    Object body = function("replicate", "body", a[1], 0);
                    Boolean vectorise = vectorise("replicate", a[2]);
                    if (vectorise != Boolean.FALSE) {
                        Object v = vectorised("replicate", c, k, body, null, vectorise == Boolean.TRUE);
                        if (v != null) {
                            return v;
                        }
                    }
                    Object[] values = new Object[k];
                    for (int i = 0; i < k; i++) {
                        values[i] = iteration(c, i, body, new Object[0]);
                    }
                    return collect(values);
                }),
                new Builtin("map", List.of("xs", "f", "vectorise"), 2, false, (a, c) -> {
                    Object f = function("map", "f", a[1], 1);
                    Boolean vectorise = vectorise("map", a[2]);
                    if (vectorise != Boolean.FALSE && AD.isTensor(a[0]) && AD.tensorValue(a[0]).rank() > 0) {
                        Object v = vectorised("map", c, AD.tensorValue(a[0]).dim(0), f, a[0], vectorise == Boolean.TRUE);
                        if (v != null) {
                            return v;
                        }
                    }
                    Object[] xs;
                    if (a[0] instanceof PplList l) {
                        xs = l.toArray();
                    } else if (AD.isTensor(a[0]) && AD.tensorValue(a[0]).rank() > 0) {
                        int n = AD.tensorValue(a[0]).dim(0);
                        xs = new Object[n];
                        for (int i = 0; i < n; i++) {
                            xs[i] = AD.index(a[0], i);
                        }
                    } else {
                        throw new IllegalArgumentException("map: 'xs' must be a list or a tensor (mapped along its"
                                + " first axis), got " + Printer.kind(a[0]));
                    }
                    if (xs.length == 0) {
                        return a[0] instanceof PplList ? a[0] : new Tensor(new int[] {0}, new double[0]);
                    }
                    Object[] values = new Object[xs.length];
                    for (int i = 0; i < xs.length; i++) {
                        values[i] = iteration(c, i, f, new Object[] {xs[i]});
                    }
                    return collect(values);
                }));
    }

    /** {@code vectorise:} absent (null: where the body allows), true (it must) or false (loop). */
    private static Boolean vectorise(String builtin, Object v) {
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw new IllegalArgumentException(builtin + ": 'vectorise' must be true or false, got " + Printer.kind(v));
    }

    /**
     * The k iterations run at once (see {@link ObjectiveRun#vectorised}), or null where they must loop: outside an
     * objective's own code (a model's iterations make addresses of their own), inside another vectorised body
     * (which loops over its own values), for a builtin body, or for one iteration.
     *
     * @param xs map's tensor, whose rows are the iterations' arguments; null for replicate
     */
    private static Object vectorised(String builtin, PplContext c, int k, Object f, Object xs, boolean required) {
        String why = !(c.handler() instanceof ObjectiveRun) ? "it runs outside an objective's own code"
                : c.batch() > 0 ? "it is inside another vectorised body"
                : !(f instanceof FunctionValue) ? "its body is a builtin" : null;
        if (why != null) {
            if (required) {
                throw new IllegalArgumentException(builtin + ": vectorise: true, but " + why);
            }
            return null;
        }
        if (k < 2) {
            return null;
        }
        FunctionValue fn = (FunctionValue) f;
        Object[] args = xs == null ? new Object[0] : new Object[] {Batched.of(xs, k)};
        try {
            return ((ObjectiveRun) c.handler()).vectorised(k, fn.callTarget(), () -> fn.invoke(args), required);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(builtin + ": " + e.getMessage(), e);
        }
    }

    /** Runs one iteration, telling the current handler (if any) where it begins and ends. */
    private static Object iteration(PplContext c, int i, Object f, Object[] args) {
        Handler h = c.handler();
        if (h == null) {
            return call(c, f, args);
        }
        h.enterIteration(i);
        try {
            return call(c, f, args);
        } finally {
            h.exitIteration();
        }
    }

    /**
     * The values stacked along a new first axis when all are numbers (a vector) or all tensors of one shape (a
     * tensor of one more dimension), else a list.
     */
    static Object collect(Object[] values) {
        for (Object v : values) {
            if (v instanceof Batched) {
                return stackedPerIteration(values);
            }
        }
        Object stacked = Axes.stack(values);
        return stacked != null ? stacked : new PplList(values);
    }

    /**
     * A loop inside a vectorised body, whose values are batched numbers: each iteration of the body gets the vector
     * of the loop's values (the stacked [n, k] values transposed to [k, n]). Anything else has no batching rule.
     */
    private static Object stackedPerIteration(Object[] values) {
        Object[] stacked = new Object[values.length];
        int k = Batched.sizeOf(values);
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Batched b && b.eventRank() == 0) {
                stacked[i] = b.stacked();
            } else if (v instanceof Double || v instanceof org.ppl4j.runtime.ad.Var) {
                stacked[i] = Batched.broadcast(v, k).stacked();
            } else {
                throw new NotBatchable("a loop inside a vectorised body whose values are not numbers");
            }
        }
        return Batched.of(AD.transpose(Axes.stack(stacked)), k);
    }

    /** A function of {@code arity} parameters: a fn, a lambda or a builtin. */
    static Object function(String builtin, String param, Object f, int arity) {
        if (f instanceof FunctionValue fn && fn.kind() == FunctionValue.Kind.FN) {
            if (fn.parameters().size() != arity) {
                throw new IllegalArgumentException(builtin + ": '" + param + "' must take " + arity + " argument"
                        + (arity == 1 ? "" : "s") + ", but " + (fn.name().equals("<lambda>") ? "the fn given"
                        : "fn '" + fn.name() + "'") + " takes " + fn.parameters().size());
            }
            return fn;
        }
        if (f instanceof BuiltinValue b && b.builtin().required() <= arity
                && (b.builtin().variadic() || b.builtin().parameters().size() >= arity)) {
            return b;
        }
        throw new IllegalArgumentException(builtin + ": '" + param + "' must be a function of " + arity + " argument"
                + (arity == 1 ? "" : "s") + (arity == 0 ? " (write replicate(k) { ... })" : "") + ", got "
                + Printer.kind(f));
    }

    static Object call(PplContext c, Object f, Object[] args) {
        if (f instanceof FunctionValue fn) {
            return fn.invoke(args);
        }
        org.ppl4j.runtime.builtins.PplBuiltin b = ((BuiltinValue) f).builtin();
        Object[] bound = new Object[b.parameters().size()];
        if (b.variadic()) {
            bound[bound.length - 1] = new PplList(args.clone());
        } else {
            System.arraycopy(args, 0, bound, 0, args.length);
        }
        return b.call(bound, c);
    }
}
