package org.ppl4j.runtime.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.NotBatchable;

/**
 * A function implemented in Java: one class per builtin, registered in the stdlib's sorted list. The
 * compiler binds positional and named arguments to {@link #parameters()} before the call.
 */
public abstract class PplBuiltin {
    /** The name users call it by. */
    public abstract String name();

    /** Parameter names in positional order. */
    public abstract List<String> parameters();

    /** How many leading parameters must be given; the rest may be omitted (null in {@link #call}). */
    public int required() {
        return parameters().size();
    }

    /** Whether extra positional arguments are accepted (collected into the last parameter as a list). */
    public boolean variadic() {
        return false;
    }

    /** A named constant's value ({@code pi}), read wherever the name is used; null for a function. */
    public Object constant() {
        return null;
    }

    /** The distribution family this builtin constructs, or null if it is not a distribution. */
    public org.ppl4j.runtime.dist.DistributionFamily distributionFamily() {
        return null;
    }

    /** How a builtin runs inside a vectorised {@code replicate} or {@code map} body (see {@link #batching}). */
    public enum Batching {
        /** It may not run there (side effects, randomness per call, or no batching rule): the body loops. */
        NONE,
        /** It runs as usual on unbatched arguments; a batched one makes the body loop. */
        PURE,
        /** Elementwise in its numeric arguments: it runs once on the stacked values, aligned by event axes. */
        ELEMENTWISE,
        /** It handles batched arguments itself. */
        OWN
    }

    /** How this builtin runs inside a vectorised body; by default it may not. */
    public Batching batching() {
        return Batching.NONE;
    }

    /**
     * The call inside a vectorised body of k iterations: by {@link #batching}, refused, checked for batched
     * arguments, run on the aligned stacked values, or left to the builtin.
     */
    public final Object callBatched(Object[] args, PplContext context) {
        switch (batching()) {
            case OWN:
                return call(args, context);
            case PURE:
                for (Object a : args) {
                    if (BatchedValues.contains(a)) {
                        throw new NotBatchable(name() + " of values that differ per iteration");
                    }
                }
                return call(args, context);
            case ELEMENTWISE:
                return elementwise(args, context);
            default:
                throw new NotBatchable(name() + " (no batching rule)");
        }
    }

    private Object elementwise(Object[] args, PplContext context) {
        int rank = 0;
        int k = -1;
        for (Object a : args) {
            if (a instanceof Batched b) {
                rank = Math.max(rank, b.eventRank());
                k = b.size();
            } else if (AD.isNumeric(a)) {
                rank = Math.max(rank, Batched.eventRank(a));
            } else if (BatchedValues.contains(a)) {
                throw new NotBatchable(name() + " of values that differ per iteration");
            }
        }
        if (k < 0) {
            return call(args, context);
        }
        Object[] aligned = args.clone();
        for (int i = 0; i < aligned.length; i++) {
            if (aligned[i] instanceof Batched b) {
                if (b.size() != k) {
                    throw new NotBatchable(name() + " of batched values of different sizes");
                }
                aligned[i] = b.aligned(rank);
            }
        }
        return Batched.of(call(aligned, context), k);
    }

    /** One line for completion and {@code :help}. */
    public String summary() {
        return name() + "(" + String.join(", ", parameters()) + ")";
    }

    /**
     * Runs the builtin. {@code args} is aligned with {@link #parameters()}, null where an optional one was
     * not given. Throw {@link IllegalArgumentException} (or another runtime exception with a user-facing
     * message) for bad arguments: the call node adds the source position.
     */
    public abstract Object call(Object[] args, PplContext context);
}
