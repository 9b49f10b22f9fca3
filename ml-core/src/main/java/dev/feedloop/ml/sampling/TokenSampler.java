package dev.feedloop.ml.sampling;

import java.util.SplittableRandom;

/**
 * Draws one token from one row of logits (V) in Java: greedy, temperature, top-k, top-p; and
 * reports the behaviour log-prob under the convention of {@link SamplingParams}.
 */
final class TokenSampler {
    private final SamplingParams params;
    private final float[] scratch;
    private final Integer[] order;

    TokenSampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.scratch = new float[vocabSize];
        this.order = new Integer[vocabSize];
    }

    /** Returns the token; writes its log-prob into {@code logprobOut[0]}. */
    int sample(float[] logits, int offset, int vocab, SplittableRandom random, float[] logprobOut) {
        float t = params.logProbTemperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / t);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double p = Math.exp(logits[offset + i] / t - max);
            scratch[i] = (float) p;
            sum += p;
        }
        double logZ = max + Math.log(sum);
        int token;
        if (params.temperature() == 0) {
            token = argmax(logits, offset, vocab);
        } else {
            token = draw(vocab, sum, random);
        }
        logprobOut[0] = (float) (logits[offset + token] / t - logZ);
        return token;
    }

    private int draw(int vocab, double sum, SplittableRandom random) {
        boolean truncate = params.topK() > 0 && params.topK() < vocab || params.topP() < 1f;
        if (!truncate) {
            double u = random.nextDouble() * sum;
            double acc = 0;
            for (int i = 0; i < vocab; i++) {
                acc += scratch[i];
                if (u < acc) {
                    return i;
                }
            }
            return lastPositive(vocab);
        }
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, 0, vocab, (a, b) -> Float.compare(scratch[b], scratch[a]));
        int keep = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
        if (params.topP() < 1f) {
            double acc = 0;
            int n = 0;
            while (n < keep) {
                acc += scratch[order[n]] / sum;
                n++;
                if (acc >= params.topP()) {
                    break;
                }
            }
            keep = n;
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += scratch[order[i]];
        }
        double u = random.nextDouble() * kept;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += scratch[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private int lastPositive(int vocab) {
        for (int i = vocab - 1; i >= 0; i--) {
            if (scratch[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
