package org.ppl4j.runtime.param;

/** A trainable parameter: the generative function that declares it and its name there ({@code coin_guide.a}). */
public record ParamKey(String owner, String name) {
    @Override
    public String toString() {
        return owner + "." + name;
    }
}
