package dev.feedloop.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Stories260K;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reward model's score of a (prompt, response) pair depends on that pair only: not on the padding
 * that its batch needs, nor on which other pairs share the batch, nor on their order.
 */
class RewardModelTest {
    static NDManager manager;
    static RewardModel rm;
    static List<int[]> prompts = new ArrayList<>();
    static List<int[]> responses = new ArrayList<>();

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        LlamaModel trunk = Stories260K.model(manager);
        rm = new RewardModel(trunk);
        // a zero head scores everything 0: give it random weights so the invariance means something,
        // scaled so that rewards are O(1) like a trained head's (1e-5 is then ~100 float32 ulps)
        NDArray head = trunk.weights().get(Weights.REWARD_HEAD_WEIGHT);
        head.set(manager.randomNormal(0f, 0.05f, head.getShape(), head.getDataType()).toFloatArray());
        Llama2cTokenizer tok = Stories260K.tokenizer();
        String[][] pairs = {
            {"Once upon a time", " there was a girl."},
            {"Tom had a red ball. One day he went to the park with his mom", " and they played."},
            {"Lily", " was happy because her friend came to help her build a big tower of blocks."},
            {"The cat sat", ""},                                   // an empty response: scored at the prompt's end
            {"A little bird could not fly. The kind boy", " helped it."},
        };
        for (String[] p : pairs) {
            int[] prompt = tok.encode(p[0]);
            int[] withBos = new int[prompt.length + 1];
            withBos[0] = tok.bosId();
            System.arraycopy(prompt, 0, withBos, 1, prompt.length);
            prompts.add(withBos);
            responses.add(tok.encode(p[1]));
        }
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void aScoreIsTheSameAloneInAPaddedBatchAndInAnyBatchComposition() {
        int n = prompts.size();
        float[] alone = rm.score(prompts, responses, 1);           // batch of one: no padding at all
        float[] together = rm.score(prompts, responses, n);        // one padded batch of mixed lengths
        float[] pairsOfTwo = rm.score(prompts, responses, 2);      // other neighbours
        List<int[]> revP = new ArrayList<>(prompts);
        List<int[]> revR = new ArrayList<>(responses);
        java.util.Collections.reverse(revP);
        java.util.Collections.reverse(revR);
        float[] reversed = rm.score(revP, revR, n);                // same pairs, other order

        boolean differ = false;
        for (int i = 0; i < n; i++) {
            assertEquals(alone[i], together[i], 1e-5, "pair " + i + " alone vs in the padded batch");
            assertEquals(alone[i], pairsOfTwo[i], 1e-5, "pair " + i + " alone vs in a batch of two");
            assertEquals(alone[i], reversed[n - 1 - i], 1e-5, "pair " + i + " alone vs in the reversed batch");
            differ |= Math.abs(alone[i] - alone[0]) > 1e-2;
        }
        assertTrue(differ, "the random head tells the pairs apart (otherwise the test proves nothing)");
    }
}
