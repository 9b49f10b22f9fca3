package dev.feedloop.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019) and global-norm gradient
 * clipping, written here rather than taken from DJL: DJL's optimisers clip element-wise and
 * zero gradients as a side effect (STACK-NOTES pitfall 3). Runs outside autograd; moments live in
 * the optimiser's own manager, created on first use outside any step scope.
 *
 * <p>Weight decay applies to matrices only (2-D and up), not to norm gains or biases.
 */
public final class AdamW implements AutoCloseable {
    private final List<NDArray> parameters;
    private final NDManager state;
    private final NDArray[] m;
    private final NDArray[] v;
    private double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double maxGradNorm;
    private long step;

    /**
     * @param maxGradNorm global L2 norm the gradients are scaled down to; 0 or less = no clipping
     */
    public AdamW(List<NDArray> parameters, NDManager parent, double learningRate, double beta1, double beta2,
            double eps, double weightDecay, double maxGradNorm) {
        this.parameters = List.copyOf(parameters);
        this.state = parent.newSubManager();
        this.m = new NDArray[parameters.size()];
        this.v = new NDArray[parameters.size()];
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
        for (int i = 0; i < this.parameters.size(); i++) {
            NDArray p = this.parameters.get(i);
            m[i] = state.zeros(p.getShape(), p.getDataType());
            v[i] = state.zeros(p.getShape(), p.getDataType());
        }
    }

    /** Adam with the usual betas (0.9, 0.999), eps 1e-8, no weight decay, clipping at 1.0. */
    public static AdamW withLearningRate(List<NDArray> parameters, NDManager parent, double learningRate) {
        return new AdamW(parameters, parent, learningRate, 0.9, 0.999, 1e-8, 0.0, 1.0);
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    public long steps() {
        return step;
    }

    /** Global L2 norm of the current gradients. */
    public double gradientNorm() {
        double sumSquares = 0;
        try (NDManager tmp = state.newSubManager()) {
            for (NDArray p : parameters) {
                if (!p.hasGradient()) {
                    continue;
                }
                NDArray g = p.getGradient();
                g.attach(tmp);
                sumSquares += g.mul(g).sum().getFloat();
            }
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Applies one update from the accumulated gradients, then zeroes them.
     *
     * @return the gradient norm before clipping
     */
    public double step() {
        double norm = gradientNorm();
        double scale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1.0;
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        double stepSize = learningRate / correction1;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager tmp = state.newSubManager()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                if (!p.hasGradient()) {
                    continue;
                }
                NDArray g = p.getGradient();
                g.attach(tmp);
                NDArray grad = scale == 1.0 ? g : g.mul(scale);
                m[i].muli(beta1).addi(grad.mul(1 - beta1));
                v[i].muli(beta2).addi(grad.mul(grad).muli(1 - beta2));
                NDArray denominator = v[i].div(correction2).sqrt().addi(eps);
                denominator.attach(tmp);
                if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                    NDArray decay = p.mul(learningRate * weightDecay);
                    decay.attach(tmp);
                    p.subi(decay);
                }
                NDArray update = m[i].div(denominator);
                update.attach(tmp);
                p.subi(update.muli(stepSize));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return norm;
    }

    /** Zeroes gradients without updating (a skipped step). */
    public void zeroGradients() {
        for (NDArray p : parameters) {
            if (p.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
