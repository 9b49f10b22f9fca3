package dev.feedloop.reward.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.reward.feedback.FeedbackPosition;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackLedgerTest {

    static OffsetRange range(int partition, long from, long to) {
        return OffsetRange.newBuilder().setTopic(Topics.FEEDBACK).setPartition(partition)
                .setFromOffset(from).setToOffset(to).build();
    }

    static List<String> ranges(FeedbackLedger ledger) {
        return ledger.lineage().stream().map(r -> r.getPartition() + ":" + r.getFromOffset() + "-" + r.getToOffset()).toList();
    }

    @Test
    void settledOffsetsMergeIntoRangesWhateverTheOrder() {
        FeedbackLedger ledger = new FeedbackLedger(Topics.FEEDBACK, List.of());
        for (long o : new long[] {3, 0, 1, 5, 6, 2}) {
            ledger.settle(new FeedbackPosition(0, o));
        }
        ledger.settle(new FeedbackPosition(2, 9));
        assertEquals(List.of("0:0-3", "0:5-6", "2:9-9"), ranges(ledger));
        ledger.settle(new FeedbackPosition(0, 4));
        assertEquals(List.of("0:0-6", "2:9-9"), ranges(ledger));
        assertEquals(Topics.FEEDBACK, ledger.lineage().get(0).getTopic());
    }

    @Test
    void aTicketSettlesWhenClosedAndEveryHeldPairIsTrained() {
        FeedbackLedger ledger = new FeedbackLedger(Topics.FEEDBACK, List.of());
        FeedbackLedger.Ticket t = ledger.open(new FeedbackPosition(1, 4));
        t.hold();
        t.hold();
        t.close();
        t.release();
        assertEquals(List.of(), ranges(ledger), "one pair still untrained");
        t.release();
        assertEquals(List.of("1:4-4"), ranges(ledger));

        FeedbackLedger.Ticket nothing = ledger.open(new FeedbackPosition(1, 5));
        nothing.close();
        assertEquals(List.of("1:4-5"), ranges(ledger), "feedback without train pairs settles when closed");
    }

    @Test
    void theLoadedLineageIsRestoredAndKept() {
        FeedbackLedger ledger = new FeedbackLedger(Topics.FEEDBACK, List.of(range(0, 0, 9), range(1, 3, 4),
                OffsetRange.newBuilder().setTopic("other").setPartition(0).setFromOffset(0).setToOffset(99).build()));
        assertTrue(ledger.isRestored(new FeedbackPosition(0, 0)));
        assertTrue(ledger.isRestored(new FeedbackPosition(0, 9)));
        assertFalse(ledger.isRestored(new FeedbackPosition(0, 10)));
        assertFalse(ledger.isRestored(new FeedbackPosition(1, 2)));
        assertTrue(ledger.isRestored(new FeedbackPosition(1, 4)));
        assertFalse(ledger.isRestored(new FeedbackPosition(2, 0)));
        ledger.settle(new FeedbackPosition(0, 10));
        assertEquals(List.of("0:0-10", "1:3-4"), ranges(ledger));
    }
}
