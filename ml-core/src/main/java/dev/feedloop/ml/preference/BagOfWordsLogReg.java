package dev.feedloop.ml.preference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * A bag-of-words Bradley-Terry baseline: φ(response) = hashed unigram and bigram presence features
 * of the lower-cased word tokens, L2-normalised; reward r = w·φ; P(chosen ≻ rejected) =
 * σ(w·(φ(chosen) − φ(rejected))), fitted by plain SGD on the logistic loss with L2 decay. The prompt
 * is ignored: it is the same on both sides and would cancel in the difference.
 *
 * <p>L2 decay uses the usual lazy scaling (w = scale · v) so a step costs O(non-zeros), not O(2^bits).
 */
public final class BagOfWordsLogReg implements PairwiseScorer {

    /**
     * @param hashBits     feature space 2^hashBits (default 18)
     * @param epochs       passes over the training pairs (default 5)
     * @param learningRate SGD step (default 0.5)
     * @param l2           L2 coefficient per example (default 1e-5)
     * @param seed         shuffling seed (default 0)
     */
    public record Config(int hashBits, int epochs, double learningRate, double l2, long seed) {
        public Config {
            if (hashBits < 4 || hashBits > 26) throw new IllegalArgumentException("hashBits " + hashBits + " is outside 4…26");
            if (epochs < 1) throw new IllegalArgumentException("epochs " + epochs + " must be >= 1");
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate " + learningRate + " must be > 0");
            if (!(l2 >= 0 && l2 * learningRate < 1)) throw new IllegalArgumentException("l2 " + l2 + " must be >= 0 and l2·learningRate < 1");
        }

        public static Config defaults() {
            return new Config(18, 5, 0.5, 1e-5, 0);
        }
    }

    private final int mask;
    private final float[] v;
    private double scale = 1.0;

    private BagOfWordsLogReg(int hashBits) {
        this.mask = (1 << hashBits) - 1;
        this.v = new float[1 << hashBits];
    }

    /** Fits on the training comparisons (soft labels used as targets). */
    public static BagOfWordsLogReg train(List<Comparison> train, Config config) {
        Objects.requireNonNull(config, "config");
        BagOfWordsLogReg model = new BagOfWordsLogReg(config.hashBits());
        List<Sparse> diffs = new ArrayList<>(train.size());
        for (Comparison c : train) diffs.add(model.features(c.chosen()).minus(model.features(c.rejected())));
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random rnd = new Random(config.seed());
        double decay = 1 - config.learningRate() * config.l2();
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(order, rnd);
            for (int i : order) {
                Sparse x = diffs.get(i);
                double p = sigmoid(model.dot(x));
                double g = p - train.get(i).label();     // ∂(−log-likelihood)/∂(w·x)
                model.scale *= decay;
                double step = config.learningRate() * g / model.scale;
                for (int k = 0; k < x.index.length; k++) model.v[x.index[k]] -= (float) (step * x.value[k]);
                if (model.scale < 1e-6) model.rescale();
            }
        }
        return model;
    }

    @Override
    public double score(String prompt, String response) {
        return dot(features(response));
    }

    /** P(chosen ≻ rejected). */
    public double probability(String chosen, String rejected) {
        return sigmoid(dot(features(chosen).minus(features(rejected))));
    }

    private double dot(Sparse x) {
        double s = 0;
        for (int k = 0; k < x.index.length; k++) s += v[x.index[k]] * x.value[k];
        return s * scale;
    }

    private void rescale() {
        for (int i = 0; i < v.length; i++) v[i] *= (float) scale;
        scale = 1.0;
    }

    /** Hashed unigram + bigram presence features, L2-normalised. */
    Sparse features(String text) {
        String[] words = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).toArray(String[]::new);
        TreeMap<Integer, Float> f = new TreeMap<>();
        for (int i = 0; i < words.length; i++) {
            f.put(hash("u " + words[i]), 1f);
            if (i + 1 < words.length) f.put(hash("b " + words[i] + " " + words[i + 1]), 1f);
        }
        int[] index = new int[f.size()];
        float[] value = new float[f.size()];
        float norm = (float) (1 / Math.sqrt(Math.max(1, f.size())));
        int k = 0;
        for (var e : f.entrySet()) {
            index[k] = e.getKey();
            value[k++] = e.getValue() * norm;
        }
        return new Sparse(index, value);
    }

    private int hash(String s) {
        // String.hashCode mixed by the murmur3 finaliser, so nearby strings spread over the table
        int h = s.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & mask;
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A sparse vector with sorted, distinct indices. */
    record Sparse(int[] index, float[] value) {
        Sparse minus(Sparse o) {
            int[] idx = new int[index.length + o.index.length];
            float[] val = new float[idx.length];
            int i = 0, j = 0, n = 0;
            while (i < index.length || j < o.index.length) {
                if (j == o.index.length || (i < index.length && index[i] < o.index[j])) {
                    idx[n] = index[i];
                    val[n++] = value[i++];
                } else if (i == index.length || o.index[j] < index[i]) {
                    idx[n] = o.index[j];
                    val[n++] = -o.value[j++];
                } else {
                    float d = value[i] - o.value[j];
                    if (d != 0) {
                        idx[n] = index[i];
                        val[n++] = d;
                    }
                    i++;
                    j++;
                }
            }
            return new Sparse(Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
        }
    }
}
