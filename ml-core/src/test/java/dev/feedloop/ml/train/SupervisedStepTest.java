package dev.feedloop.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Stories260K;
import dev.feedloop.ml.TestData;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupervisedStepTest {

    @Test
    void supervisedStepsOnRealTextLowerTheLossAndChangeEveryParameter() throws IOException {
        Llama2cTokenizer tokenizer = Stories260K.tokenizer();
        List<int[]> batch = realStories(tokenizer, 8);
        double[] first = run(batch, 6, true);
        double[] again = run(batch, 6, false);
        assertTrue(first[5] < first[0] - 0.05, "loss fell from " + first[0] + " to " + first[5]);
        assertArrayEquals(first, again, "a repeated run gives identical losses (catches freed scalar operands)");
    }

    private static double[] run(List<int[]> batch, int steps, boolean checkParameters) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = Stories260K.model(manager);
            Map<String, float[]> before = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> w : model.weights().entrySet()) {
                before.put(w.getKey(), w.getValue().toFloatArray());
            }
            model.setTrainable(true);
            double[] losses = new double[steps];
            try (AdamW adam = AdamW.withLearningRate(model.parameters(), manager, 2e-3)) {
                SupervisedStep step = new SupervisedStep(model, adam);
                for (int i = 0; i < steps; i++) {
                    SupervisedStep.Result r = step.step(batch);
                    assertTrue(r.applied());
                    losses[i] = r.loss();
                }
                assertEquals(steps, adam.steps());
            }
            if (checkParameters) {
                for (Map.Entry<String, NDArray> w : model.weights().entrySet()) {
                    float[] now = w.getValue().toFloatArray();
                    assertTrue(!java.util.Arrays.equals(before.get(w.getKey()), now), w.getKey() + " did not change");
                }
            }
            model.close();
            return losses;
        }
    }

    static List<int[]> realStories(Llama2cTokenizer tokenizer, int count) throws IOException {
        String text = Files.readString(TestData.path("prompts/tinystories/tinystories_sample.txt"));
        List<int[]> out = new ArrayList<>();
        for (String story : text.split("<\\|endoftext\\|>")) {
            String s = story.strip();
            if (s.isEmpty()) {
                continue;
            }
            int[] ids = tokenizer.encode(s);
            int n = Math.min(ids.length, 96);
            int[] seq = new int[n + 1];
            seq[0] = Llama2cTokenizer.BOS_ID;
            System.arraycopy(ids, 0, seq, 1, n);
            out.add(seq);
            if (out.size() == count) {
                break;
            }
        }
        return out;
    }
}
