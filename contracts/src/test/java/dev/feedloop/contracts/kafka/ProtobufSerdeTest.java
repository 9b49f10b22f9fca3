package dev.feedloop.contracts.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Score;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ProtobufSerdeTest {

    private final ProtobufSerializer<FeedbackRecorded> serializer = new ProtobufSerializer<>();

    private static FeedbackRecorded feedback() {
        return FeedbackRecorded.newBuilder().setEventId("e-1").setRolloutId("r-1").setPromptId("p-1")
                .setScore(Score.newBuilder().setResponseId("r-1/0").setValue(6)).build();
    }

    @Test
    void roundTripWritesTheTypeHeader() {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serializer.serialize(Topics.FEEDBACK, headers, feedback());

        assertEquals("feedloop.events.v1.FeedbackRecorded",
                new String(headers.lastHeader(Topics.EVENT_TYPE_HEADER).value(), StandardCharsets.UTF_8));
        FeedbackRecorded back = new ProtobufDeserializer<>(FeedbackRecorded.parser())
                .deserialize(Topics.FEEDBACK, headers, bytes);
        assertEquals(feedback(), back);
    }

    @Test
    void garbageIsRejectedWithAReason() {
        byte[] text = "this is not protobuf".getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(ProtobufDeserializer.InvalidEventException.class,
                () -> ProtobufDeserializer.parse(RolloutGenerated.parser(), text));
        assertTrue(e.getMessage().contains("RolloutGenerated") || e.getMessage().contains("protobuf"), e.getMessage());
    }

    @Test
    void emptyBytesAreAnEventWithoutId() {
        var e = assertThrows(ProtobufDeserializer.InvalidEventException.class,
                () -> ProtobufDeserializer.parse(RolloutGenerated.parser(), new byte[0]));
        assertTrue(e.getMessage().contains("without event_id"), e.getMessage());
    }

    @Test
    void aMismatchedTypeHeaderIsRejected() {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serializer.serialize(Topics.FEEDBACK, headers, feedback());
        var e = assertThrows(ProtobufDeserializer.InvalidEventException.class,
                () -> ProtobufDeserializer.parse(RolloutGenerated.parser(), bytes, headers));
        assertTrue(e.getMessage().contains("feedloop.events.v1.FeedbackRecorded"), e.getMessage());
    }
}
