package org.ppl4j.runtime.param;

/** A trainable parameter: the generative function that declares it and its name there ({@code coin_guide.a}). */
public record ParamKey(String owner, String name) {
    // equals and hashCode written out: a record's generated ones run through method handles, which C1 (the host
    // JIT of the launcher) does not inline; a fit step looks its parameters up by key (1% of an eight-schools step)
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ParamKey k && java.util.Objects.equals(owner, k.owner)
                && java.util.Objects.equals(name, k.name);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(owner) + java.util.Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return owner + "." + name;
    }
}
