package org.ppl4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The VAE of {@code examples/vae/vae.ppl} written by hand in Java with ND4J and manual backpropagation: the
 * baseline the {@code .ppl} program's step time is measured against. No ppl4j code is used here.
 *
 * <p>Model and guide, for a batch {@code x} of B binarised images out of N:
 * <pre>
 *   h = softplus(x W1 + b1);  mu = h W21 + b21;  sigma = exp(h W22 + b22)        (encoder, the guide)
 *   z = mu + sigma * eps,  eps ~ N(0, 1)                                          (reparameterised)
 *   logits = softplus(z W3 + b3) W4 + b4                                          (decoder)
 *   objective = (N / B) * sum over the batch of
 *       [ sum_pixels (x logits - softplus(logits)) + sum_k log N(z_k; 0, 1) - sum_k log N(z_k; mu_k, sigma_k) ]
 * </pre>
 * a single-sample ELBO estimate (no analytic KL). Its gradient is either the full reparameterisation gradient,
 * including log q's direct dependence on mu and sigma ({@link Gradient#REPARAM}), or the path derivative that
 * drops that dependence ({@link Gradient#PATH}, "sticking the landing": the example's {@code by path}). Weights
 * are glorot-uniform, biases zero; Adam (textbook form, as ppl4j's) ascends the objective.
 */
public final class HandWrittenVae {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    /**
     * Each step's temporaries live in one ND4J workspace, reused from step to step: the memory of a step is
     * released when the next begins, not when the garbage collector happens to find its arrays, so the resident
     * set stays flat (as DL4J does for its own training loops).
     */
    private static final WorkspaceConfiguration STEP_WORKSPACE = WorkspaceConfiguration.builder().initialSize(0)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.STRICT).build();
    /** Which gradient of the single-sample ELBO a step follows. */
    public enum Gradient {
        /** The reparameterisation gradient of the estimate itself (Kingma and Welling; Pyro's Trace_ELBO). */
        REPARAM,
        /**
         * The path derivative (Roeder et al. 2017): log q's parameters are held fixed, so only z carries the guide's
         * gradient; unbiased for the ELBO, and zero-variance when q is the exact posterior.
         */
        PATH
    }

    private static final String[] NAMES = {"W1", "b1", "W21", "b21", "W22", "b22", "W3", "b3", "W4", "b4"};

    private final int pixels;
    private final int hidden;
    private final int latent;
    private final double dataSize;
    private final DataType dtype;
    private final INDArray[] params;
    private final INDArray[] adamM;
    private final INDArray[] adamV;
    private double lr = 1e-3;
    private Gradient gradient = Gradient.PATH;
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double epsilon = 1e-8;
    private int steps;

    /** The benchmark's model: 784-400-20, float32, for a training set of {@code dataSize} images. */
    public static HandWrittenVae fashionMnist(long dataSize, long seed) {
        return new HandWrittenVae(784, 400, 20, dataSize, DataType.FLOAT, seed);
    }

    public HandWrittenVae(int pixels, int hidden, int latent, long dataSize, DataType dtype, long seed) {
        this.pixels = pixels;
        this.hidden = hidden;
        this.latent = latent;
        this.dataSize = dataSize;
        this.dtype = dtype;
        Nd4j.getRandom().setSeed(seed);
        params = new INDArray[] {glorot(pixels, hidden), Nd4j.zeros(dtype, hidden), glorot(hidden, latent),
            Nd4j.zeros(dtype, latent), glorot(hidden, latent), Nd4j.zeros(dtype, latent), glorot(latent, hidden),
            Nd4j.zeros(dtype, hidden), glorot(hidden, pixels), Nd4j.zeros(dtype, pixels)};
        adamM = new INDArray[params.length];
        adamV = new INDArray[params.length];
        for (int i = 0; i < params.length; i++) {
            adamM[i] = Nd4j.zeros(dtype, params[i].shape());
            adamV[i] = Nd4j.zeros(dtype, params[i].shape());
        }
    }

    private INDArray glorot(int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return Nd4j.rand(dtype, fanIn, fanOut).muli(2 * limit).subi(limit);
    }

    /** The parameters in the order W1, b1, W21, b21, W22, b22, W3, b3, W4, b4 (live arrays, not copies). */
    public INDArray[] params() {
        return params;
    }

    public static String paramName(int i) {
        return NAMES[i];
    }

    public DataType dtype() {
        return dtype;
    }

    /** Sets the gradient a step follows (default {@link Gradient#PATH}, as examples/vae/vae.ppl). */
    public HandWrittenVae gradient(Gradient g) {
        this.gradient = g;
        return this;
    }

    /** Sets Adam's learning rate (default 1e-3). */
    public void learningRate(double rate) {
        this.lr = rate;
    }

    /** One Adam step ascending the objective on the batch {@code x} [B, pixels]; returns the objective's estimate. */
    public double step(INDArray x) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, "vae-step")) {
            INDArray eps = Nd4j.randn(dtype, x.rows(), latent);
            Evaluation e = evaluate(x, eps);
            ascend(e.gradients);
            return e.objective;
        }
    }

    /** One Adam step up the gradient {@code g} (one array per parameter; they are overwritten). */
    void ascend(INDArray[] g) {
        steps++;
        // The fused ND4J Adam computes  lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps');  with
        // eps' = eps sqrt(1 - b2^t) that is exactly the textbook  lr * mHat / (sqrt(vHat) + eps).
        double epsT = epsilon * Math.sqrt(1 - Math.pow(beta2, steps));
        for (int i = 0; i < params.length; i++) {
            Nd4j.exec(new AdamUpdater(g[i], adamV[i], adamM[i], g[i], adamV[i], adamM[i], lr, beta1, beta2, epsT,
                    steps - 1));
            params[i].addi(g[i]);
        }
    }

    /** One epoch over {@code data} [N, pixels] in consecutive batches of {@code batch}; the mean objective. */
    public double epoch(INDArray data, int batch) {
        long batches = data.rows() / batch;
        double total = 0;
        for (long b = 0; b < batches; b++) {
            total += step(batch(data, b, batch));
        }
        return total / batches;
    }

    /** Rows {@code [b * batch, (b + 1) * batch)} of {@code data}, as a view. */
    public static INDArray batch(INDArray data, long b, int batch) {
        return data.get(NDArrayIndex.interval(b * batch, (b + 1) * batch), NDArrayIndex.all());
    }

    /** The objective and its gradient with respect to every parameter, for the batch {@code x} and noise eps. */
    public Evaluation evaluate(INDArray x, INDArray eps) {
        INDArray w21 = params[2];
        INDArray w22 = params[4];
        INDArray w3 = params[6];
        INDArray w4 = params[8];
        int rows = x.rows();
        double scale = dataSize / rows;
        Forward f = forward(x, eps);
        INDArray a1 = f.a1;
        INDArray h = f.h;
        INDArray sigma = f.sigma;
        INDArray z = f.z;
        INDArray a3 = f.a3;
        INDArray h2 = f.h2;
        INDArray logits = f.logits;
        INDArray u = z.sub(f.mu).divi(sigma); // (z - mu) / sigma: log q's argument, and the backward pass's
        double objective = objective(x, f, u, f.logSigma);

        // Backward.
        INDArray[] g = new INDArray[params.length];
        INDArray dLogits = x.sub(Transforms.sigmoid(logits, true)).muli(scale);
        g[8] = Nd4j.gemm(h2, dLogits, true, false);
        g[9] = dLogits.sum(0);
        INDArray dA3 = Nd4j.gemm(dLogits, w4, false, true).muli(Transforms.sigmoid(a3, true));
        g[6] = Nd4j.gemm(z, dA3, true, false);
        g[7] = dA3.sum(0);
        // d/dz of the decoder, of log p(z) = -z^2/2 and of -log q(z) = ((z - mu) / sigma)^2 / 2 + log sigma.
        INDArray qz = u.div(sigma).muli(scale);                     // scale * (z - mu) / sigma^2
        INDArray dz = Nd4j.gemm(dA3, w3, false, true).subi(z.mul(scale)).addi(qz);
        // Through z = mu + sigma eps; the full gradient adds -log q's direct dependence on mu and on sigma.
        INDArray dMu;
        INDArray dSigma;
        if (gradient == Gradient.PATH) {
            dMu = dz;
            dSigma = dz.mul(eps);
        } else {
            dMu = dz.sub(qz);
            dSigma = dz.mul(eps).subi(u.mul(u).subi(1).divi(sigma).muli(scale));
        }
        INDArray dLogSigma = dSigma.muli(sigma);
        g[2] = Nd4j.gemm(h, dMu, true, false);
        g[3] = dMu.sum(0);
        g[4] = Nd4j.gemm(h, dLogSigma, true, false);
        g[5] = dLogSigma.sum(0);
        INDArray dA1 = Nd4j.gemm(dMu, w21, false, true).addi(Nd4j.gemm(dLogSigma, w22, false, true))
                .muli(Transforms.sigmoid(a1, true));
        g[0] = Nd4j.gemm(x, dA1, true, false);
        g[1] = dA1.sum(0);
        return new Evaluation(objective, g);
    }

    /** The forward pass's arrays for the batch {@code x} and noise eps. */
    private record Forward(INDArray a1, INDArray h, INDArray mu, INDArray logSigma, INDArray sigma, INDArray z,
            INDArray a3, INDArray h2, INDArray logits) {
    }

    private Forward forward(INDArray x, INDArray eps) {
        INDArray a1 = x.mmul(params[0]).addiRowVector(params[1]);
        INDArray h = softplus(a1);
        INDArray mu = h.mmul(params[2]).addiRowVector(params[3]);
        INDArray logSigma = h.mmul(params[4]).addiRowVector(params[5]);
        INDArray sigma = Transforms.exp(logSigma, true);
        INDArray z = sigma.mul(eps).addi(mu);
        INDArray a3 = z.mmul(params[6]).addiRowVector(params[7]);
        INDArray h2 = softplus(a3);
        INDArray logits = h2.mmul(params[8]).addiRowVector(params[9]);
        return new Forward(a1, h, mu, logSigma, sigma, z, a3, h2, logits);
    }

    /**
     * (N / B) (log p(x, z) - log q(z)) for log q's standardised argument u = (z - mu) / sigma and log scale: the
     * live ones for the objective, or fixed ones for the surrogate whose gradient is the path derivative.
     */
    private double objective(INDArray x, Forward f, INDArray u, INDArray qLogSigma) {
        int rows = x.rows();
        // The Bernoulli log-likelihood with logits, the log prior, minus log q.
        double likelihood = x.mul(f.logits).subi(softplus(f.logits)).sumNumber().doubleValue();
        double logPrior = -0.5 * f.z.mul(f.z).sumNumber().doubleValue() - rows * latent * HALF_LOG_2PI;
        double logQ = -0.5 * u.mul(u).sumNumber().doubleValue() - qLogSigma.sumNumber().doubleValue()
                - rows * latent * HALF_LOG_2PI;
        return dataSize / rows * (likelihood + logPrior - logQ);
    }

    /**
     * The objective with log q's mean and log scale held at {@code qMu} and {@code qLogSigma} while z still moves
     * with the encoder: at the encoder's own values its gradient is the path derivative ({@link Gradient#PATH}).
     */
    double surrogate(INDArray x, INDArray eps, INDArray qMu, INDArray qLogSigma) {
        Forward f = forward(x, eps);
        return objective(x, f, f.z.sub(qMu).divi(Transforms.exp(qLogSigma, true)), qLogSigma);
    }

    /** The guide's mean and log scale for the batch {@code x}: [mu, log sigma]. */
    INDArray[] encode(INDArray x) {
        Forward f = forward(x, Nd4j.zeros(dtype, x.rows(), latent));
        return new INDArray[] {f.mu, f.logSigma};
    }

    /** softplus(a) = max(a, 0) + log(1 + exp(-|a|)): ND4J's own softPlus overflows for a above 88 in float32. */
    static INDArray softplus(INDArray a) {
        INDArray tail = Transforms.softPlus(Transforms.abs(a, true).negi(), false);
        return tail.addi(Transforms.relu(a, true));
    }

    /** An objective estimate and its gradient, one array per parameter in {@link #params()} order. */
    public record Evaluation(double objective, INDArray[] gradients) {
    }
}
