package org.ppl4j.runtime.estimate;

import org.ppl4j.runtime.value.Address;

/** A random choice as strategies and estimators see it: the model it is in and its address there. */
public record Site(String owner, Address address) {
    /** The key baselines and overrides use: {@code coin_guide/p}. */
    public String key() {
        return owner + "/" + address;
    }

    // written out: sites key hash maps at every random choice, and a record's generated equality goes through
    // method handles, which the quick-start JIT does not inline
    @Override
    public boolean equals(Object o) {
        return o instanceof Site s && s.address.equals(address) && s.owner.equals(owner);
    }

    @Override
    public int hashCode() {
        return owner.hashCode() * 31 + address.hashCode();
    }

    @Override
    public String toString() {
        return key();
    }
}
