package org.ppl4j.stdlib.builtins;

import java.util.List;
import java.util.Locale;
import org.ppl4j.runtime.PplContext;
import org.ppl4j.runtime.Rng;
import org.ppl4j.runtime.ad.AD;
import org.ppl4j.runtime.ad.Fns;
import org.ppl4j.runtime.ad.Tensor;
import org.ppl4j.runtime.builtins.BuiltinValue;
import org.ppl4j.runtime.builtins.PplBuiltin;
import org.ppl4j.runtime.param.Constraint;
import org.ppl4j.runtime.param.ParamKey;
import org.ppl4j.runtime.param.ParamProvider;
import org.ppl4j.runtime.value.PplList;
import org.ppl4j.runtime.value.Printer;

/** Building blocks for amortised guides and decoders: initialisers, layers, softmax, and {@code mlp}. */
final class NeuralBuiltins {
    private NeuralBuiltins() {
    }

    static List<Builtin> all() {
        return List.of(
                Builtin.of("glorot", List.of("shape"), (a, c) -> glorot(matrixShape("glorot", a[0]), c.rng())),
                Builtin.of("he", List.of("shape"), (a, c) -> he(matrixShape("he", a[0]), c.rng())),
                Builtin.of("random_uniform", List.of("shape", "low", "high"), (a, c) -> {
                    int[] s = matrixShape("random_uniform", a[0]);
                    double lo = Args.number("random_uniform", "low", a[1]);
                    double hi = Args.number("random_uniform", "high", a[2]);
                    if (!(lo < hi)) {
                        throw new IllegalArgumentException("random_uniform: 'low' must be below 'high', got " + lo
                                + " and " + hi);
                    }
                    double[] d = new double[Tensor.numel(s)];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = lo + (hi - lo) * c.rng().nextDouble();
                    }
                    return new Tensor(s, d);
                }),
                Builtin.of("dense", List.of("x", "w", "b"), (a, c) -> dense(
                        Args.numeric("dense", "x", a[0]), Args.numeric("dense", "w", a[1]),
                        Args.numeric("dense", "b", a[2]))),
                new Builtin("softmax", List.of("x", "axis"), 1, false, (a, c) -> {
                    Object x = tensor("softmax", a[0]);
                    return AD.exp(logSoftmax(x, axis("softmax", a)));
                }),
                new Builtin("log_softmax", List.of("x", "axis"), 1, false,
                        (a, c) -> logSoftmax(tensor("log_softmax", a[0]), axis("log_softmax", a))),
                new Builtin("mlp", List.of("name", "sizes", "activation"), 2, false, (a, c) -> mlp(a)));
    }

    /** The weight matrix shape [fan_in, fan_out] (or any shape whose last two axes are those). */
    private static int[] matrixShape(String name, Object dims) {
        if (!(dims instanceof PplList l)) {
            throw new IllegalArgumentException(name + ": expected a shape such as [784, 400], got " + Printer.kind(dims));
        }
        int[] s = Args.shape(name, l.toArray());
        if (s.length == 0) {
            throw new IllegalArgumentException(name + ": the shape must have at least one dimension");
        }
        return s;
    }

    private static int fanIn(int[] s) {
        return s.length == 1 ? s[0] : s[s.length - 2];
    }

    private static int fanOut(int[] s) {
        return s[s.length - 1];
    }

    /** Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
    static Tensor glorot(int[] shape, Rng rng) {
        double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
        double[] d = new double[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return new Tensor(shape, d);
    }

    /** He normal: N(0, 2 / fan_in), for ReLU layers. */
    static Tensor he(int[] shape, Rng rng) {
        double sd = Math.sqrt(2.0 / fanIn(shape));
        double[] d = new double[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = sd * rng.nextGaussian();
        }
        return new Tensor(shape, d);
    }

    /** x @ w + b: a batch of rows x [n, in] (or one row [in]) through weights [in, out] and bias [out]. */
    static Object dense(Object x, Object w, Object b) {
        return AD.add(AD.matmul(x, w), b);
    }

    private static Object tensor(String name, Object x) {
        Object v = Args.numeric(name, "x", x);
        if (!AD.isTensor(v)) {
            throw new IllegalArgumentException(name + ": expected a tensor, got " + AD.describe(v));
        }
        return v;
    }

    private static int axis(String name, Object[] a) {
        if (a.length < 2 || a[1] == null) {
            return -1;
        }
        double k = Args.number(name, "axis", a[1]);
        if (k != Math.rint(k)) {
            throw new IllegalArgumentException(name + ": 'axis' must be a whole number, got " + k);
        }
        return (int) k;
    }

    /** x - logsumexp(x) along the axis: stable for any magnitude of x. */
    static Object logSoftmax(Object x, int axis) {
        return AD.sub(x, MathBuiltins.logsumexp(x, axis, true));
    }

    /** An activation function by name, for {@code mlp}. */
    static AD.Fn1 activation(Object v) {
        String name = v == null ? "softplus" : v instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
        if ("softplus".equals(name)) {
            return Fns.SOFTPLUS;
        }
        if ("relu".equals(name)) {
            return Fns.RELU;
        }
        if ("tanh".equals(name)) {
            return Fns.TANH;
        }
        if ("sigmoid".equals(name)) {
            return Fns.SIGMOID;
        }
        throw new IllegalArgumentException("mlp: 'activation' must be one of \"softplus\", \"relu\", \"tanh\", "
                + "\"sigmoid\", got " + Printer.show(v));
    }

    /**
     * {@code mlp("enc", [784, 400, 40])}: a function of a batch x that runs dense layers of these sizes with the
     * activation between them (none after the last). Its weights (glorot) and biases (zeros) are parameters named
     * {@code enc.w0, enc.b0, ...}, created on first use by whatever is running (a fit trains them).
     */
    private static Object mlp(Object[] a) {
        if (!(a[0] instanceof String name) || name.isEmpty()) {
            throw new IllegalArgumentException("mlp: 'name' must be a non-empty string (it names the parameters)");
        }
        if (!(a[1] instanceof PplList l) || l.size() < 2) {
            throw new IllegalArgumentException("mlp: 'sizes' must list at least two layer sizes, such as [784, 400, 20]");
        }
        int[] sizes = Args.shape("mlp", l.toArray());
        AD.Fn1 act = activation(a.length > 2 ? a[2] : null);
        return new BuiltinValue(new PplBuiltin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> parameters() {
                return List.of("x");
            }

            @Override
            public Batching batching() {
                return Batching.PURE; // its parameters are made once; a batched input makes the body loop
            }

            @Override
            public Object call(Object[] args, PplContext context) {
                ParamProvider params = context.handler() == null ? context.params() : context.handler().params();
                Object h = Args.numeric(name, "x", args[0]);
                for (int layer = 0; layer + 1 < sizes.length; layer++) {
                    int i = layer;
                    Object w = param(params, new ParamKey(name, "w" + i), () -> glorot(
                            new int[] {sizes[i], sizes[i + 1]}, context.rng()));
                    Object b = param(params, new ParamKey(name, "b" + i), () -> Tensor.zeros(sizes[i + 1]));
                    h = dense(h, w, b);
                    if (i + 2 < sizes.length) {
                        h = AD.unary(h, act);
                    }
                }
                return h;
            }
        });
    }

    private static Object param(ParamProvider params, ParamKey key, java.util.function.Supplier<Tensor> init) {
        Object v = params.lookup(key);
        return v != null ? v : params.create(key, init.get(), Constraint.REAL);
    }
}
