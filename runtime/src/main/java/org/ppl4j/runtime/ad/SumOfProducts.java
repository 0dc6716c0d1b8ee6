package org.ppl4j.runtime.ad;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds sum_i c_i * prod_j f_ij as ONE tape node whose inputs are the distinct tracked factors, instead of
 * a chain of two nodes per product and one per sum: surrogates with thousands of terms stay cheap to build
 * and to differentiate. Constant factors (numbers) fold into the coefficient.
 */
public final class SumOfProducts {
    private final List<double[]> coefficients = new ArrayList<>();
    private final List<Var[]> factors = new ArrayList<>();
    private double constant;
    private Tape tape;

    /** Adds c * f1 * f2 * ...; each factor a number or a scalar on the tape. */
    public void add(double c, Object... fs) {
        int count = 0;
        for (int i = 0; i < fs.length; i++) {
            Object f = fs[i];
            if (f instanceof TensorVar t) {
                f = AD.sum(t);
                fs[i] = f;
            }
            if (f instanceof Var v) {
                if (tape != null && v.tape != tape) {
                    throw new IllegalStateException("values from two different gradient evaluations were combined");
                }
                tape = v.tape;
                count++;
            } else {
                c *= AD.scalarValue(f);
            }
        }
        if (count == 0) {
            constant += c;
            return;
        }
        Var[] tracked = new Var[count];
        count = 0;
        for (Object f : fs) {
            if (f instanceof Var v) {
                tracked[count++] = v;
            }
        }
        coefficients.add(new double[] {c});
        factors.add(tracked);
    }

    /** The sum: a number if nothing tracked was added, else one node. */
    public Object build() {
        if (tape == null) {
            return constant;
        }
        int stamp = Tape.stamp();
        List<Var> inputs = new ArrayList<>();
        double[] partials = new double[16];
        double value = constant;
        for (int t = 0; t < factors.size(); t++) {
            Var[] f = factors.get(t);
            double c = coefficients.get(t)[0];
            double product = c;
            for (Var v : f) {
                product *= v.value;
            }
            value += product;
            for (int i = 0; i < f.length; i++) {
                double others = c;
                for (int j = 0; j < f.length; j++) {
                    if (j != i) {
                        others *= f[j].value;
                    }
                }
                Var in = f[i];
                if (in.mark == stamp) {
                    partials[in.slot] += others;
                } else {
                    in.mark = stamp;
                    in.slot = inputs.size();
                    if (in.slot == partials.length) {
                        partials = java.util.Arrays.copyOf(partials, in.slot * 2);
                    }
                    partials[in.slot] = others;
                    inputs.add(in);
                }
            }
        }
        return Var.many(tape, value, inputs.toArray(new Var[0]), java.util.Arrays.copyOf(partials, inputs.size()));
    }
}
