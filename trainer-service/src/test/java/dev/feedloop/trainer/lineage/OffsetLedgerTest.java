package dev.feedloop.trainer.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {

    static final PartitionKey P0 = new PartitionKey("feedloop.rewards.v1", 0);
    static final PartitionKey P1 = new PartitionKey("feedloop.rewards.v1", 1);
    static final PartitionKey P2 = new PartitionKey("feedloop.rewards.v1", 2);

    @Test
    void consecutiveVersionsTileEachPartitionWithoutGapOrOverlap() {
        OffsetLedger ledger = new OffsetLedger(Map.of(P0, 10L));
        ledger.consumed(P0, 10);
        ledger.consumed(P1, 0);
        ledger.consumed(P0, 11);
        ledger.consumed(P1, 1);
        assertEquals(4, ledger.pendingRecords());

        List<Range> v1 = ledger.closeVersion();

        assertEquals(List.of(new Range(P0, 10, 11), new Range(P1, 0, 1)), v1);
        assertEquals(Map.of(P0, 12L, P1, 2L), ledger.resumePositions());
        ledger.consumed(P1, 2);
        ledger.consumed(P2, 5); // first record ever seen on P2 (older ones deleted by retention)
        List<Range> v2 = ledger.closeVersion();
        assertEquals(List.of(new Range(P1, 2, 2), new Range(P2, 5, 5)), v2);
        assertEquals(Map.of(P0, 12L, P1, 3L, P2, 6L), ledger.resumePositions(), "P0 untouched in v2 keeps its position");
        assertEquals(0, ledger.pendingRecords());
        assertEquals(List.of(), ledger.closeVersion());
    }

    @Test
    void aRangeStartsAtTheResumePositionSoAnOffsetGapNeverSplitsVersions() {
        OffsetLedger ledger = new OffsetLedger(Map.of(P0, 10L));
        ledger.consumed(P0, 11); // 10 was a transaction marker, never delivered
        ledger.consumed(P0, 13);

        assertEquals(List.of(new Range(P0, 10, 13)), ledger.closeVersion());
        assertEquals(14L, ledger.resumePositions().get(P0));
    }

    @Test
    void anOffsetAlreadyConsumedIsRefused() {
        OffsetLedger ledger = new OffsetLedger(Map.of(P0, 10L));
        IllegalStateException before = assertThrows(IllegalStateException.class, () -> ledger.consumed(P0, 9));
        assertEquals("feedloop.rewards.v1/0: offset 9 was already consumed (next is 10)", before.getMessage());
        ledger.consumed(P0, 10);
        assertThrows(IllegalStateException.class, () -> ledger.consumed(P0, 10));
        ledger.closeVersion();
        assertThrows(IllegalStateException.class, () -> ledger.consumed(P0, 10));
    }
}
