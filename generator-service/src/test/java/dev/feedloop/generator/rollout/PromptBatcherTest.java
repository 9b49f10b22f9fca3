package dev.feedloop.generator.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBatcherTest {

    @Test
    void takesAtMostMaxSizeInArrivalOrder() throws Exception {
        PromptBatcher<Integer> batcher = new PromptBatcher<>(3, Duration.ofMillis(10), 10);
        for (int i = 0; i < 5; i++) {
            batcher.put(i);
        }
        assertEquals(List.of(0, 1, 2), batcher.nextBatch(Duration.ofSeconds(1)));
        assertEquals(List.of(3, 4), batcher.nextBatch(Duration.ofSeconds(1)));
        assertEquals(List.of(), batcher.nextBatch(Duration.ofMillis(10)));
    }

    @Test
    void waitsUpToMaxWaitForTheBatchToFill() throws Exception {
        PromptBatcher<Integer> batcher = new PromptBatcher<>(2, Duration.ofSeconds(5), 10);
        batcher.put(1);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(100);
                batcher.put(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.start();
        long start = System.nanoTime();
        assertEquals(List.of(1, 2), batcher.nextBatch(Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "returned when full, not at max-wait");
        late.join();
    }

    @Test
    void aLoneItemLeavesAfterMaxWait() throws Exception {
        PromptBatcher<Integer> batcher = new PromptBatcher<>(8, Duration.ofMillis(50), 10);
        batcher.put(7);
        assertEquals(List.of(7), batcher.nextBatch(Duration.ofSeconds(1)));
    }
}
