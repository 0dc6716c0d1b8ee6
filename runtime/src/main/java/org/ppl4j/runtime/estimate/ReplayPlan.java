package org.ppl4j.runtime.estimate;

/**
 * Which value each replayed choice (enum, mvd) takes in one run of an objective, by the choice's position
 * among the replayed choices of the run. Value 0 is the first support value for enum and the sample itself
 * for mvd.
 */
@FunctionalInterface
public interface ReplayPlan {
    int index(int ordinal, int size);

    ReplayPlan BASE = (ordinal, size) -> 0;

    /** The listed choices at the listed values, the rest at 0. */
    static ReplayPlan assignment(int[] indices) {
        return (ordinal, size) -> ordinal < indices.length ? indices[ordinal] : 0;
    }

    /** One choice at one value, the rest at 0. */
    static ReplayPlan single(int ordinal, int index) {
        return (o, size) -> o == ordinal ? index : 0;
    }
}
