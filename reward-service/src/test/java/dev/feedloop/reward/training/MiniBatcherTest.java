package dev.feedloop.reward.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import dev.feedloop.ml.train.EncodedPair;
import dev.feedloop.reward.feedback.FeedbackPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MiniBatcherTest {

    final FeedbackLedger ledger = new FeedbackLedger(Topics.FEEDBACK, List.of());

    static EncodedPair pair(String id) {
        return EncodedPair.of(id, new int[] {1}, new int[] {5, 2}, new int[] {6, 2});
    }

    Deque<MiniBatcher.Fresh> fresh(int n) {
        Deque<MiniBatcher.Fresh> d = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            d.add(new MiniBatcher.Fresh(pair("new" + i), ledger.open(new FeedbackPosition(0, i))));
        }
        return d;
    }

    ComparisonPool pool(int n) {
        ComparisonPool p = new ComparisonPool(100);
        for (int i = 0; i < n; i++) {
            p.put("old" + i, List.of(pair("old" + i)));
        }
        return p;
    }

    @Test
    void threeNewPairsAreToppedUpWithFiveReplayedOnes() {
        Deque<MiniBatcher.Fresh> fresh = fresh(3);
        MiniBatcher.Batch b = new MiniBatcher(8, new Random(1)).next(fresh, pool(10));
        assertEquals(List.of("new0", "new1", "new2"), b.fresh().stream().map(f -> f.pair().groupId()).toList());
        assertEquals(5, b.replayed().size());
        assertTrue(b.replayed().stream().allMatch(p -> p.groupId().startsWith("old")));
        assertEquals(8, b.pairs().size());
        assertEquals("new0", b.pairs().get(0).groupId(), "new pairs first");
        assertTrue(fresh.isEmpty());
    }

    @Test
    void aFloodIsTakenInArrivalOrderOneBatchAtATime() {
        Deque<MiniBatcher.Fresh> fresh = fresh(20);
        MiniBatcher batcher = new MiniBatcher(8, new Random(1));
        List<String> order = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            MiniBatcher.Batch b = batcher.next(fresh, pool(10));
            b.fresh().forEach(f -> order.add(f.pair().groupId()));
            assertEquals(step < 2 ? 0 : 4, b.replayed().size());
        }
        assertEquals(20, order.size());
        assertEquals("new0", order.get(0));
        assertEquals("new19", order.get(19));
    }

    @Test
    void noNewPairsNoBatchAndAnEmptyReplayBufferAddsNothing() {
        MiniBatcher batcher = new MiniBatcher(8, new Random(1));
        assertTrue(batcher.next(new ArrayDeque<>(), pool(10)).pairs().isEmpty());
        assertEquals(2, batcher.next(fresh(2), new ComparisonPool(10)).pairs().size());
    }

    @Test
    void liveFeedbackGoesBeforeImportedPairsWhichFillTheRestBeforeReplay() {
        Deque<MiniBatcher.Fresh> imported = fresh(20);   // a dataset import that arrived first
        Deque<MiniBatcher.Fresh> live = new ArrayDeque<>();
        for (int i = 0; i < 3; i++) {
            live.add(new MiniBatcher.Fresh(pair("live" + i), ledger.open(new FeedbackPosition(1, i))));
        }
        MiniBatcher batcher = new MiniBatcher(8, new Random(1));
        MiniBatcher.Batch b = batcher.next(List.of(live, imported), pool(10));
        assertEquals(List.of("live0", "live1", "live2", "new0", "new1", "new2", "new3", "new4"),
                b.fresh().stream().map(f -> f.pair().groupId()).toList());
        assertEquals(0, b.replayed().size(), "new pairs fill the batch");
        assertTrue(live.isEmpty());
        assertEquals(15, imported.size());
        MiniBatcher.Batch rest = batcher.next(List.of(live, imported), pool(10));
        assertEquals("new5", rest.fresh().get(0).pair().groupId(), "imported pairs keep their order");
    }
}
