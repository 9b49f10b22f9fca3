package dev.feedloop.trainer.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetCodecTest {

    @Test
    void positionsRoundTripInPartitionOrder() {
        Map<PartitionKey, Long> positions = Map.of(new PartitionKey("feedloop.rewards.v1", 2), 7L,
                new PartitionKey("feedloop.rewards.v1", 0), 42L, new PartitionKey("a-b_c.d", 1), 0L);

        String text = OffsetCodec.positions(positions);

        assertEquals("a-b_c.d/1:0,feedloop.rewards.v1/0:42,feedloop.rewards.v1/2:7", text);
        assertEquals(positions, OffsetCodec.parsePositions(text));
        assertTrue(OffsetCodec.parsePositions("").isEmpty());
    }

    @Test
    void rangesRoundTrip() {
        List<Range> ranges = List.of(new Range(new PartitionKey("feedloop.rewards.v1", 0), 30, 41),
                new Range(new PartitionKey("my-topic", 1), 5, 5));

        String text = OffsetCodec.ranges(ranges);

        assertEquals("feedloop.rewards.v1/0/30-41,my-topic/1/5-5", text);
        assertEquals(ranges, OffsetCodec.parseRanges(text));
    }

    @Test
    void badTextIsRefusedNamingTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OffsetCodec.parsePositions("feedloop.rewards.v1/0:x"));
        assertTrue(e.getMessage().startsWith("offset position 'feedloop.rewards.v1/0:x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OffsetCodec.parsePositions("feedloop.rewards.v1:4"));
        assertThrows(IllegalArgumentException.class, () -> new Range(new PartitionKey("t", 0), 5, 4));
    }
}
