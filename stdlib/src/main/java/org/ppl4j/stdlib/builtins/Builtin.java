package org.ppl4j.stdlib.builtins;

import java.util.List;
import java.util.function.Function;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.builtins.PplBuiltin;

/** A builtin whose body is one small function of its bound arguments. */
final class Builtin extends PplBuiltin {
    /** The body of a builtin. */
    interface Body {
        Object call(Object[] args, PplContext context);
    }

    private final String name;
    private final List<String> parameters;
    private final int required;
    private final boolean variadic;
    private final Body body;
    private Batching batching = Batching.NONE;

    Builtin(String name, List<String> parameters, int required, boolean variadic, Body body) {
        this.name = name;
        this.parameters = parameters;
        this.required = required;
        this.variadic = variadic;
        this.body = body;
    }

    static Builtin of(String name, List<String> parameters, Body body) {
        return new Builtin(name, parameters, parameters.size(), false, body);
    }

    /** An elementwise function of one number or tensor (so it batches elementwise). */
    static Builtin unary(String name, Function<Object, Object> f) {
        return of(name, List.of("x"), (a, c) -> f.apply(Args.numeric(name, "x", a[0]))).batching(Batching.ELEMENTWISE);
    }

    /** A named constant such as {@code pi}: the name reads as the value (and {@code pi()} returns it too). */
    static Builtin constant(String name, double value) {
        Builtin b = of(name, List.of(), (a, c) -> value);
        b.constant = value;
        return b;
    }

    private Object constant;

    @Override
    public Object constant() {
        return constant;
    }

    /** Says how this builtin runs in a vectorised body (see {@link PplBuiltin#batching}); set once, at registration. */
    Builtin batching(Batching b) {
        this.batching = b;
        return this;
    }

    @Override
    public Batching batching() {
        return batching;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> parameters() {
        return parameters;
    }

    @Override
    public int required() {
        return required;
    }

    @Override
    public boolean variadic() {
        return variadic;
    }

    @Override
    public Object call(Object[] args, PplContext context) {
        return body.call(args, context);
    }
}
