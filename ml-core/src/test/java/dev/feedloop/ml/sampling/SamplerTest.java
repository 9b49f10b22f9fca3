package dev.feedloop.ml.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Stories260K;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static NDManager manager;
    static LlamaModel model;
    static Llama2cTokenizer tokenizer;
    static Sampler sampler;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        model = Stories260K.model(manager);
        tokenizer = Stories260K.tokenizer();
        sampler = new Sampler(model, tokenizer);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    @Test
    void kSamplesPerPromptOfDifferentLengthsInOneCall() {
        SamplingParams p = new SamplingParams(1.0f, 0.9f, 40, 24, 7);
        List<Generation> out = sampler.generate(List.of("Once upon a time", "The big brown dog ran to the", ""), 4, p);
        assertEquals(12, out.size());
        for (Generation g : out) {
            assertEquals(g.tokens().length, g.logprobs().length);
            assertTrue(g.tokens().length >= 1 && g.tokens().length <= 24);
            for (float lp : g.logprobs()) {
                assertTrue(lp <= 0 && Float.isFinite(lp), "log-prob " + lp);
            }
            if (g.finishReason() == FinishReason.EOS) {
                assertEquals(Llama2cTokenizer.EOS_ID, g.tokens()[g.tokens().length - 1]);
            } else {
                assertEquals(24, g.tokens().length);
            }
        }
        assertEquals(1, out.get(4).promptIndex());
        assertEquals(0, out.get(4).sampleIndex());
        assertEquals(2, out.get(11).promptIndex());
        assertEquals(3, out.get(11).sampleIndex());
    }

    @Test
    void sameSeedSameOutputOtherSeedOtherOutput() {
        SamplingParams p = new SamplingParams(1.0f, 1.0f, 0, 32, 42);
        List<Generation> a = sampler.generate(List.of("Lily and Tom"), 4, p);
        List<Generation> b = sampler.generate(List.of("Lily and Tom"), 4, p);
        List<Generation> c = sampler.generate(List.of("Lily and Tom"), 4, p.withSeed(43));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
            assertArrayEquals(a.get(i).logprobs(), b.get(i).logprobs());
        }
        assertNotEquals(texts(a), texts(c));
        assertTrue(new java.util.HashSet<>(texts(a)).size() > 1, "K samples differ from each other");
    }

    @Test
    void kvCacheAndFullForwardSampleTheSameTokens() {
        SamplingParams p = new SamplingParams(0.8f, 1.0f, 0, 20, 5);
        List<Generation> cached = sampler.generate(List.of("Once upon a time", "Sam"), 2, p);
        List<Generation> full = new Sampler(model, tokenizer).useKvCache(false)
                .generate(List.of("Once upon a time", "Sam"), 2, p);
        for (int i = 0; i < cached.size(); i++) {
            assertArrayEquals(cached.get(i).tokens(), full.get(i).tokens());
        }
    }

    @Test
    void behaviourLogProbsEqualTeacherForcedLogProbsAtTheSameTemperature() {
        SamplingParams p = new SamplingParams(0.7f, 0.95f, 50, 16, 3);
        List<Generation> out = sampler.generate(List.of("One day, a little bird", "Ben"), 3, p);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (Generation g : out) {
            prompts.add(g.promptTokens());
            responses.add(g.tokens());
        }
        float[][] scored = LogProbScorer.score(model, prompts, responses, p.logProbTemperature());
        for (int i = 0; i < out.size(); i++) {
            for (int t = 0; t < scored[i].length; t++) {
                assertEquals(out.get(i).logprobs()[t], scored[i][t], 1e-4, "sequence " + i + " token " + t);
            }
        }
    }

    @Test
    void topKOfOneIsGreedy() {
        List<Generation> greedy = sampler.generate(List.of("Tim"), 1, SamplingParams.greedy(20));
        List<Generation> topOne = sampler.generate(List.of("Tim"), 2, new SamplingParams(1.5f, 1f, 1, 20, 9));
        assertArrayEquals(greedy.get(0).tokens(), topOne.get(0).tokens());
        assertArrayEquals(greedy.get(0).tokens(), topOne.get(1).tokens());
    }

    @Test
    void badInputIsRefusedOrTruncatedAsDocumented() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(List.of("x"), 65, SamplingParams.defaults(1)));
        assertTrue(e.getMessage().contains("1…64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(List.of("x"), 0, SamplingParams.defaults(1)));
        assertTrue(e.getMessage().contains("1…64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(List.of("x"), 1, SamplingParams.greedy(512)));
        assertTrue(e.getMessage().contains("512"), e.getMessage());

        String longPrompt = "The dog ran and the cat sat. ".repeat(80); // far more than 512 tokens
        List<Generation> out = sampler.generate(List.of(longPrompt), 1, SamplingParams.greedy(12));
        Generation g = out.get(0);
        assertEquals(512 - 12, g.promptTokens().length, "left-truncated to leave room for the response");
        assertEquals(Llama2cTokenizer.BOS_ID, g.promptTokens()[0], "BOS is kept");
        assertFalse(g.text().isEmpty());
    }

    private static List<String> texts(List<Generation> gs) {
        List<String> out = new ArrayList<>();
        for (Generation g : gs) {
            out.add(g.text());
        }
        return out;
    }
}
