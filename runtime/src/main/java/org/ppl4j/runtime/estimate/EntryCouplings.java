package org.ppl4j.runtime.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.dist.Distribution;

/**
 * The runs of a measure-valued tensor choice with independent elements ({@link
 * Distribution#elementWeakDerivatives}): run 0 is the sample x; then for each entry u of an element (the axes
 * after the independent ones, row-major) and each weak-derivative term j, x with entry u of every element at
 * x+_uj, and x with it at x-_uj. A coupled value that is the sample itself (the tensor the distribution was
 * given: poisson's and categorical's x-, geometric's x+) is run 0's and gets no run of its own; an absent x- (c f(x+)
 * alone) gets none either. (A coupled value that merely happens to equal the sample still runs: the number of
 * runs depends on the distribution and the shape only.)
 */
public final class EntryCouplings {
    /** Index of a coupled value that is the sample itself: run 0. */
    static final int SAMPLE = 0;
    /** Index of an absent coupled value. */
    static final int NONE = -1;

    private EntryCouplings() {
    }

    /** How many runs of the program an estimate needs: 1 + entries per element x coupled values with runs. */
    public static long runs(Object x, List<Distribution.WeakDerivative> terms, int perElement) {
        Tensor sample = AD.tensorValue(AD.value(x));
        long own = 0;
        for (Distribution.WeakDerivative w : terms) {
            own += ownRun(sample, w.positive()) ? 1 : 0;
            own += ownRun(sample, w.negative()) ? 1 : 0;
        }
        return 1 + own * perElement;
    }

    /** x, then the coupled values that need runs of their own, in the order of {@link #index}. */
    static List<Object> values(Tensor x, int perElement, List<Distribution.WeakDerivative> terms) {
        double[] base = x.toArray();
        List<Object> values = new ArrayList<>();
        values.add(x);
        for (int u = 0; u < perElement; u++) {
            for (Distribution.WeakDerivative w : terms) {
                for (Object coupled : new Object[] {w.positive(), w.negative()}) {
                    if (ownRun(x, coupled)) {
                        double[] c = AD.tensorValue(coupled).broadcastTo(x.shape()).toArray();
                        double[] v = base.clone();
                        for (int f = u; f < base.length; f += perElement) {
                            v[f] = c[f];
                        }
                        values.add(new Tensor(x.shape(), v));
                    }
                }
            }
        }
        return values;
    }

    /**
     * For entry u and term j, the runs of x+ and x-: {@code index[u][j] = {plus, minus}}, {@link #SAMPLE} for the
     * sample's own run and {@link #NONE} for an absent value.
     */
    static int[][][] index(Tensor x, int perElement, List<Distribution.WeakDerivative> terms) {
        int[][][] index = new int[perElement][terms.size()][2];
        int next = 1;
        for (int u = 0; u < perElement; u++) {
            for (int j = 0; j < terms.size(); j++) {
                Distribution.WeakDerivative w = terms.get(j);
                Object[] coupled = {w.positive(), w.negative()};
                for (int s = 0; s < 2; s++) {
                    index[u][j][s] = coupled[s] == null ? NONE : ownRun(x, coupled[s]) ? next++ : SAMPLE;
                }
            }
        }
        return index;
    }

    /** Whether a coupled value needs runs: present and not the sample itself (the same tensor, not equal values). */
    private static boolean ownRun(Tensor x, Object coupled) {
        return coupled != null && AD.tensorValue(coupled) != x;
    }
}
