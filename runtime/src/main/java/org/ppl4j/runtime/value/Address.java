package org.ppl4j.runtime.value;

import java.util.Arrays;

/** The address of a random choice: a name and zero or more indices, written {@code flip[3]} or {@code w[1][2]}. */
public final class Address {
    private final String name;
    private final int[] indices;
    private final int hash;

    public Address(String name, int... indices) {
        this.name = name;
        this.indices = indices;
        this.hash = name.hashCode() * 31 + Arrays.hashCode(indices);
    }

    public String name() {
        return name;
    }

    public int depth() {
        return indices.length;
    }

    public int index(int k) {
        return indices[k];
    }

    /** This address with only its first {@code k} indices. */
    public Address prefix(int k) {
        return k == indices.length ? this : new Address(name, Arrays.copyOf(indices, k));
    }

    /** Parses {@code name}, {@code name[3]} or {@code name[1][2]}; returns null if the text is not an address. */
    public static Address parse(String text) {
        int open = text.indexOf('[');
        String base = open < 0 ? text : text.substring(0, open);
        if (base.isEmpty()) {
            return null;
        }
        if (open < 0) {
            return new Address(base);
        }
        String rest = text.substring(open);
        java.util.List<Integer> idx = new java.util.ArrayList<>();
        int i = 0;
        while (i < rest.length()) {
            if (rest.charAt(i) != '[') {
                return null;
            }
            int close = rest.indexOf(']', i);
            if (close < 0) {
                return null;
            }
            try {
                idx.add(Integer.parseInt(rest.substring(i + 1, close).trim()));
            } catch (NumberFormatException e) {
                return null;
            }
            i = close + 1;
        }
        return new Address(base, idx.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && a.hash == hash && a.name.equals(name) && Arrays.equals(a.indices, indices);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        for (int i : indices) {
            sb.append('[').append(i).append(']');
        }
        return sb.toString();
    }
}
