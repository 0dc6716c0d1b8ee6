package org.ppl4j.vi.posterior;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Batched;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.value.Address;
import org.ppl4j.runtime.value.ChoiceMap;

/**
 * Draws per address: each a tensor whose leading axis runs over the draws (shape {@code [n]} for a number-valued
 * site, {@code [n, ...]} for a tensor-valued one), in the order the sites were first met.
 */
public final class Draws {
    private final int count;
    private final Map<Address, Tensor> byAddress;

    Draws(int count, Map<Address, Tensor> byAddress) {
        this.count = count;
        this.byAddress = Collections.unmodifiableMap(new LinkedHashMap<>(byAddress));
    }

    /** The draws of each address of {@code traces} stacked; an address missing from a trace, or changing shape, is an error. */
    public static Draws stack(List<ChoiceMap> traces) {
        Map<Address, List<Object>> values = new LinkedHashMap<>();
        for (int i = 0; i < traces.size(); i++) {
            for (Map.Entry<Address, Object> e : traces.get(i).entries().entrySet()) {
                List<Object> l = values.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                if (l.size() != i) {
                    break;
                }
                l.add(AD.value(e.getValue()));
            }
        }
        Map<Address, Tensor> stacked = new LinkedHashMap<>();
        for (Map.Entry<Address, List<Object>> e : values.entrySet()) {
            List<Object> l = e.getValue();
            if (l.size() != traces.size()) {
                throw new IllegalArgumentException("the site " + e.getKey() + " is drawn in only " + l.size() + " of "
                        + traces.size() + " runs; draws are kept for sites that every run draws");
            }
            stacked.put(e.getKey(), stackValues(e.getKey(), l));
        }
        return new Draws(traces.size(), stacked);
    }

    /**
     * The draws of a run made for n draws at once: each value batched along a leading axis of n, or the same in
     * every draw (a value that does not depend on the draws, broadcast).
     */
    static Draws ofBatched(ChoiceMap run, int n) {
        Map<Address, Tensor> stacked = new LinkedHashMap<>();
        for (Map.Entry<Address, Object> e : run.entries().entrySet()) {
            Object v = e.getValue();
            Object s = v instanceof Batched b ? b.stacked() : Batched.broadcast(AD.value(v), n).stacked();
            Tensor t = AD.tensorValue(s);
            if (t.rank() == 0 || t.dim(0) != n) {
                throw new IllegalArgumentException("the site " + e.getKey() + " is batched over " + (t.rank() == 0 ? 0
                        : t.dim(0)) + " draws, not " + n);
            }
            stacked.put(e.getKey(), t);
        }
        return new Draws(n, stacked);
    }

    private static Tensor stackValues(Address address, List<Object> l) {
        int[] shape = shapeOf(l.get(0));
        int size = Tensor.numel(shape);
        double[] data = new double[l.size() * size];
        for (int i = 0; i < l.size(); i++) {
            Object v = l.get(i);
            if (!Arrays.equals(shape, shapeOf(v))) {
                throw new IllegalArgumentException("the site " + address + " has shape " + Arrays.toString(shape)
                        + " in one run and " + Arrays.toString(shapeOf(v)) + " in another");
            }
            if (v instanceof Tensor t) {
                System.arraycopy(t.toArray(), 0, data, i * size, size);
            } else {
                data[i] = AD.scalarValue(v);
            }
        }
        int[] full = new int[shape.length + 1];
        full[0] = l.size();
        System.arraycopy(shape, 0, full, 1, shape.length);
        return new Tensor(full, data);
    }

    private static int[] shapeOf(Object v) {
        if (v instanceof Tensor t) {
            return t.shape();
        }
        if (v instanceof Double || v instanceof Boolean) {
            return new int[0];
        }
        throw new IllegalArgumentException("a site's value must be a number or a tensor to be kept as draws, got "
                + AD.describe(v));
    }

    public int count() {
        return count;
    }

    public Map<Address, Tensor> byAddress() {
        return byAddress;
    }

    /** The same draws with more columns (derived quantities, log densities) after these. */
    public Draws with(Map<Address, Tensor> more) {
        Map<Address, Tensor> all = new LinkedHashMap<>(byAddress);
        all.putAll(more);
        return new Draws(count, all);
    }
}
