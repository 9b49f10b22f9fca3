package dev.feedloop.reward.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.ml.train.EncodedPair;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ComparisonPoolTest {

    static List<EncodedPair> group(String id, int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> EncodedPair.of(id, new int[] {1}, new int[] {5 + i}, new int[] {9})).toList();
    }

    @Test
    void aGroupIsReplacedAndAnEmptyOneRemoves() {
        ComparisonPool pool = new ComparisonPool(100);
        pool.put("a", group("a", 3));
        pool.put("b", group("b", 6));
        long generation = pool.generation();
        pool.put("a", group("a", 1));
        assertEquals(7, pool.size());
        assertNotEquals(generation, pool.generation());
        assertEquals(List.of("b", "b", "b", "b", "b", "b", "a"), pool.all().stream().map(EncodedPair::groupId).toList(),
                "a replaced group becomes the newest");
        pool.put("b", List.of());
        assertEquals(1, pool.size());
        assertEquals(1, pool.groupCount());
    }

    @Test
    void theOldestGroupsGoBeyondCapacity() {
        ComparisonPool pool = new ComparisonPool(10);
        pool.put("a", group("a", 6));
        pool.put("b", group("b", 3));
        pool.put("c", group("c", 3));  // 12 > 10: a goes
        assertEquals(6, pool.size());
        assertEquals(2, pool.groupCount());
        assertEquals(4, pool.sample(4, new Random(1)).size());
        assertEquals(0, new ComparisonPool(5).sample(4, new Random(1)).size());
    }

    @Test
    void replayDrawsWholeGroupsUpToTheBatch() {
        ComparisonPool pool = new ComparisonPool(100);
        pool.put("six", group("six", 6));
        pool.put("three", group("three", 3));
        pool.put("one", group("one", 1));
        Random random = new Random(5);
        for (int draw = 0; draw < 50; draw++) {
            List<EncodedPair> batch = pool.sampleGroups(8, random);
            assertTrue(batch.size() <= 8 && !batch.isEmpty(), "size " + batch.size());
            java.util.Map<String, Long> perGroup = new java.util.HashMap<>();
            batch.forEach(p -> perGroup.merge(p.groupId(), 1L, Long::sum));
            for (var e : perGroup.entrySet()) {
                long size = pool.groupSize(e.getKey());
                assertEquals(0, e.getValue() % size, "group " + e.getKey() + " came whole: " + e.getValue() + " of " + size);
            }
        }
        for (int seed = 0; seed < 20; seed++) {
            int size = pool.sampleGroups(2, new Random(seed)).size();
            assertTrue(size >= 1 && size <= 2, "a first group larger than n is cut to n, never past it: " + size);
        }
        assertEquals(0, new ComparisonPool(5).sampleGroups(4, new Random(1)).size());
    }
}
