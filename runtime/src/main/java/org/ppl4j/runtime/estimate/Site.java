package org.ppl4j.runtime.estimate;

import org.ppl4j.runtime.value.Address;

/** A random choice as strategies and estimators see it: the model it is in and its address there. */
public record Site(String owner, Address address) {
    /** The key baselines and overrides use: {@code coin_guide/p}. */
    public String key() {
        return owner + "/" + address;
    }

    @Override
    public String toString() {
        return key();
    }
}
