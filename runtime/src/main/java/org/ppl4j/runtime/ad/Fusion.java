package org.ppl4j.runtime.ad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fused runs of elementwise operations: a transformation of the tape, made before each backward pass.
 *
 * <p>A run is a chain of tensor nodes, each made elementwise from the one before and read by nothing else: a
 * function of one argument (softplus, exp, sigmoid, tanh, ...) applied to the result of another, or to a sum
 * whose operands are of its shape or rows of it (a bias added to a batch: {@code softplus(dense(x, w, b))}).
 * Unfused, the backward pass makes one kernel and one array per node: g f'(x) for each function, then the
 * bias's column sums. Fused, the run's last node computes g f_k'(x_k) ... f_1'(x_1) in one pass over memory,
 * and the bias's column sums in the same pass, and hands them to the run's inputs; the nodes inside the run then
 * receive no adjoint and do nothing. The forward values are made as the program runs, one node at a time (the
 * interpreter needs each value when it is made): the fused forward passes are the nodes that compute a whole
 * density at once ({@link AD#bernoulliLogitsSum}, {@link AD#normalQuadraticSum}).
 *
 * <p>Where it runs: small tensors (Java arrays) in one Java loop; large ones with ppl4j's own kernels
 * ({@code FloatKernels.mapGradientChain}) when they run (with ND4J's kernels alone a run stays unfused).
 * {@code -Dppl.fusion=false} turns fusion off; {@code -Dppl.fusion.dump=true} prints each fused run once per
 * shape on standard error.
 */
final class Fusion {
    private static volatile boolean enabled = !"false".equals(System.getProperty("ppl.fusion"));
    private static final boolean DUMP = Boolean.getBoolean("ppl.fusion.dump");
    /**
     * Functions whose result has fewer elements do not make a tape run the pass, which a model of many scalar
     * choices and a few short vectors would pay for nothing. Runs on a tape that does run the pass are fused
     * whatever their size. The pass itself visits only the nodes made elementwise ({@link Tape#marked}); each
     * node's readers are counted as the tape is recorded ({@link TensorVar#readers}).
     */
    static final int MINIMUM_ELEMENTS = 64;
    private static volatile int minimumElements = MINIMUM_ELEMENTS;
    private static final Set<String> DUMPED = ConcurrentHashMap.newKeySet();

    private Fusion() {
    }

    /** The smallest result that makes a tape run the pass (tests of small runs set 1). */
    static void minimumElements(int n) {
        minimumElements = n;
    }

    /** Turns fusion on or off (tests compare the two). */
    static void enable(boolean on) {
        enabled = on;
    }

    /** How a node was made elementwise: what the fusion pass needs to run its backward pass in a fused run. */
    sealed interface Step permits Unary, Add {
    }

    /** fx = fn(x), elementwise, x the value of {@code input}; {@code kernel} the function's kernel, or null. */
    record Unary(AD.Fn1 fn, Tensor.Op1 kernel, Tensor x, Tensor fx, TensorVar input) implements Step {
    }

    /** a + b, each tracked operand either of the result's shape or a row of its last axis ({@code row*}). */
    record Add(Object a, boolean rowA, Object b, boolean rowB) implements Step {
    }

    /**
     * Marks {@code v} as made by {@code step}. The tape counts the functions applied to a marked node, the only
     * places a run can end, of at least {@link #MINIMUM_ELEMENTS} elements: a tape with none (most scalar models)
     * skips the pass.
     */
    static TensorVar mark(TensorVar v, Step step) {
        v.step = step;
        v.tape.marked.add(v);
        if (step instanceof Unary u && u.input().step != null && v.value.size() >= minimumElements) {
            v.tape.fusible++;
        }
        return v;
    }

    /** An {@link Add} step for a + b = v, or null when an operand broadcasts in another way. */
    static Add add(Object a, Object b, Tensor v) {
        int[] out = v.shape();
        Boolean rowA = role(a, out);
        Boolean rowB = role(b, out);
        return rowA == null || rowB == null ? null : new Add(a, rowA, b, rowB);
    }

    /** False for an untracked operand or one of the output's shape, true for a row, null otherwise. */
    private static Boolean role(Object operand, int[] out) {
        if (!(operand instanceof TensorVar t)) {
            return operand instanceof Var ? null : Boolean.FALSE;
        }
        int[] s = t.value.shape();
        if (Arrays.equals(s, out)) {
            return Boolean.FALSE;
        }
        return out.length >= 2 && s.length == 1 && s[0] == out[out.length - 1] ? Boolean.TRUE : null;
    }

    /** Whether a function's run can be fused here (for a large tensor: ppl4j's own kernels compute it). */
    private static boolean fusible(Unary u) {
        if (!u.x().isLarge()) {
            return true;
        }
        if (u.kernel() == null) {
            return false;
        }
        return u.kernel() != Tensor.Op1.SIGN && u.kernel() != Tensor.Op1.STEP && Nd4jKernels.ownKernelsRun();
    }

    /**
     * Finds the fused runs among the nodes made elementwise and sets each run's last node's fused backward pass
     * (clearing those of an earlier plan). {@code output} is the node backward starts from (never inside a run).
     */
    static void plan(List<TensorVar> marked, Object output) {
        int n = marked.size();
        for (int i = 0; i < n; i++) {
            TensorVar t = marked.get(i);
            t.fusedBackward = null;
            t.inRun = false;
        }
        if (!enabled) {
            return;
        }
        for (int i = n - 1; i >= 0; i--) {
            TensorVar t = marked.get(i);
            if (t.inRun || !(t.step instanceof Unary u) || !fusible(u)) {
                continue;
            }
            List<TensorVar> run = new ArrayList<>(4);
            run.add(t);
            TensorVar cur = t;
            while (cur.step instanceof Unary cu) {
                TensorVar p = cu.input();
                if (p.step == null || p.readers != 1 || p == output
                        || p.value.size() != cur.value.size()
                        || (p.step instanceof Unary pu && !fusible(pu))) {
                    break;
                }
                run.add(p);
                p.inRun = true;
                cur = p;
                if (p.step instanceof Add) {
                    break;
                }
            }
            if (run.size() > 1) {
                t.fusedBackward = backward(run);
                if (DUMP) {
                    dump(run);
                }
            }
        }
    }

    /** The run's backward pass, on its last node ({@code run.get(0)}; the run is in reverse order). */
    private static TensorVar.Backward backward(List<TensorVar> run) {
        TensorVar last = run.get(0);
        TensorVar first = run.get(run.size() - 1);
        Add add = first.step instanceof Add a ? a : null;
        int functions = add == null ? run.size() : run.size() - 1;
        AD.Fn1[] fns = new AD.Fn1[functions];
        Tensor.Op1[] ops = new Tensor.Op1[functions];
        Tensor[] xs = new Tensor[functions];
        Tensor[] fxs = new Tensor[functions];
        for (int m = 0; m < functions; m++) {
            Unary u = (Unary) run.get(m).step;
            fns[m] = u.fn();
            ops[m] = u.kernel();
            xs[m] = u.x();
            fxs[m] = u.fx();
        }
        int[] shape = first.value.shape();
        int cols = add != null && (add.rowA() || add.rowB()) ? shape[shape.length - 1] : 0;
        return g -> {
            Tensor[] r = Tensor.chainGradient(fns, ops, xs, fxs, g, cols);
            if (r == null) {
                last.backward.apply(g); // unfused: the run's nodes pass the adjoint on one by one
                return;
            }
            if (add == null) {
                ((Unary) first.step).input().addAdjoint(r[0]);
                return;
            }
            if (AD.isTracked(add.a())) {
                AD.sendAdjoint(add.a(), add.rowA() ? r[1] : r[0]);
            }
            if (AD.isTracked(add.b())) {
                AD.sendAdjoint(add.b(), add.rowB() ? r[1] : r[0]);
            }
        };
    }

    /** For {@code -Dppl.fusion.dump}: a node that computes a whole elementwise expression forward and back. */
    static void dumpNode(String what, Tensor of) {
        if (DUMP) {
            String line = "ppl4j fused node: " + what + " " + Arrays.toString(of.shape())
                    + (of.isLarge() ? ", one pass each way (ppl4j kernels where they run)"
                            : ", one pass each way (Java arrays)");
            if (DUMPED.add(line)) {
                System.err.println(line);
            }
        }
    }

    private static void dump(List<TensorVar> run) {
        StringBuilder sb = new StringBuilder("ppl4j fused run:");
        for (int m = run.size() - 1; m >= 0; m--) {
            TensorVar v = run.get(m);
            sb.append(m == run.size() - 1 ? " " : " -> ");
            if (v.step instanceof Add a) {
                sb.append(a.rowA() || a.rowB() ? "add a row" : "add");
            } else {
                Unary u = (Unary) v.step;
                sb.append(u.kernel() != null ? u.kernel().toString().toLowerCase(java.util.Locale.ROOT)
                        : "a function");
            }
        }
        sb.append(' ').append(Arrays.toString(run.get(0).value.shape()))
                .append(run.get(0).value.isLarge() ? ", one backward pass (ppl4j kernels)"
                        : ", one backward pass (Java arrays)");
        String line = sb.toString();
        if (DUMPED.add(line)) {
            System.err.println(line);
        }
    }
}
