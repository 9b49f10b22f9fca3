package dev.feedloop.ml;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's thread settings, passed to DJL as the system properties
 * {@value #INTRA_OP_PROPERTY} and {@value #INTER_OP_PROPERTY}, which the PyTorch engine reads
 * once, when it loads. Call {@link #configure} before anything touches an NDManager.
 *
 * <p>Defaults, measured on the project's 2-core machines (see BENCHMARKS.md, "Threads"):
 * <ul>
 *   <li>intra-op: all available cores ({@link #defaultIntraOp()}) for training and scoring: a
 *       10M-parameter training step runs ~2× faster on 2 threads than on 1. Decoding is bound by
 *       per-op overhead, not arithmetic: stories260K decodes faster on 1 thread at batch 1 and
 *       at batch 16, so a process that only samples uses {@link #DECODING_INTRA_OP}.</li>
 *   <li>inter-op: 1. Our graphs are run op by op from one Java thread; a second inter-op pool
 *       only adds threads that compete for the same cores.</li>
 * </ul>
 * Several JVMs on one machine (the local stack of services) should each take 1 intra-op thread,
 * or run with {@code OMP_WAIT_POLICY=PASSIVE}: libgomp's spinning barrier collapses when another
 * process holds a core (STACK-NOTES pitfall 10).
 */
public final class Threads {
    /** DJL's system property for libtorch's intra-op (OpenMP) threads. */
    public static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";
    /** DJL's system property for libtorch's inter-op threads. */
    public static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";
    /** Intra-op threads for a process that only decodes small models (the generator, the CLI). */
    public static final int DECODING_INTRA_OP = 1;
    /** The default inter-op thread count. */
    public static final int DEFAULT_INTER_OP = 1;

    private Threads() {}

    /** The default intra-op thread count: every core the JVM may use. */
    public static int defaultIntraOp() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Sets both properties, unless the user already set them (e.g. with {@code -D}); values of 0
     * or less mean "the default".
     *
     * @return the intra-op thread count that will be used
     */
    public static int configure(int intraOp, int interOp) {
        int intra = intraOp > 0 ? intraOp : defaultIntraOp();
        int inter = interOp > 0 ? interOp : DEFAULT_INTER_OP;
        if (System.getProperty(INTRA_OP_PROPERTY) == null || intraOp > 0) {
            System.setProperty(INTRA_OP_PROPERTY, Integer.toString(intra));
        }
        if (System.getProperty(INTER_OP_PROPERTY) == null || interOp > 0) {
            System.setProperty(INTER_OP_PROPERTY, Integer.toString(inter));
        }
        Integer set = Integer.getInteger(INTRA_OP_PROPERTY);
        if (set == null || set < 1) {
            throw new IllegalArgumentException(INTRA_OP_PROPERTY + "=" + System.getProperty(INTRA_OP_PROPERTY)
                    + " is not a positive integer");
        }
        return set;
    }

    /** The defaults for both, where the user did not set them. */
    public static int configureDefaults() {
        return configure(0, 0);
    }

    /**
     * Changes the intra-op thread count of an engine that is already loaded (libtorch's
     * {@code set_num_threads}); the inter-op count cannot change after the first parallel op.
     */
    public static void setIntraOp(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads " + threads + " must be >= 1");
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        System.setProperty(INTRA_OP_PROPERTY, Integer.toString(threads));
    }

    /** The intra-op thread count libtorch uses now (loads the engine). */
    public static int intraOp() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    /** The inter-op thread count libtorch uses now (loads the engine). */
    public static int interOp() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumInteropThreads();
    }
}
