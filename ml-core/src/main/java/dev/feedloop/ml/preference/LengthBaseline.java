package dev.feedloop.ml.preference;

/**
 * "Always prefer the longer response" and "always the shorter", by length in Unicode code points
 * (tokenizer-independent). Reward models are known to pick up length, so a reward model must beat
 * both. With ties counted as 0.5 the two accuracies sum to exactly 1 on any set.
 */
public enum LengthBaseline implements PairwiseScorer {
    LONGER {
        @Override
        public double score(String prompt, String response) {
            return response.codePointCount(0, response.length());
        }
    },
    SHORTER {
        @Override
        public double score(String prompt, String response) {
            return -response.codePointCount(0, response.length());
        }
    }
}
