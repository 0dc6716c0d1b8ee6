package org.ppl4j.runtime.builtins;

import java.util.List;
import org.ppl4j.runtime.PplContext;

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

    /** The distribution family this builtin constructs, or null if it is not a distribution. */
    public org.ppl4j.runtime.dist.DistributionFamily distributionFamily() {
        return null;
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
