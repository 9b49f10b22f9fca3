package dev.feedloop.contracts.kafka;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.feedloop.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Parses Feedloop events and rejects what is not one.
 *
 * <p><b>The dead-letter convention.</b> Service consumers take the raw {@code byte[]}
 * ({@code value.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer}) and call
 * {@link #parse(Parser, byte[])} inside the {@code @Incoming} method. A record that is not a valid
 * event throws {@link InvalidEventException}; with
 * {@code failure-strategy=dead-letter-queue} and {@code dead-letter-queue.topic=<topic>.dlq},
 * SmallRye then nacks it and writes the untouched bytes to the dead-letter topic with the headers
 * {@code dead-letter-reason} (the exception message), {@code dead-letter-cause},
 * {@code dead-letter-topic}, {@code dead-letter-partition} and {@code dead-letter-offset}, and the
 * consumer goes on with the next record. A Kafka {@code Deserializer} that threw instead would
 * never reach the failure strategy (SmallRye would hand the method a null or stop the channel), so
 * parsing happens in the adapter.
 *
 * <p>A record is rejected when its bytes are not a protobuf encoding, when its
 * {@value Topics#EVENT_TYPE_HEADER} header names another type, or when {@code event_id} (field 1
 * of every event) is empty: protobuf decodes many garbage byte strings as "unknown fields only",
 * and an event without its id is unusable anyway.
 *
 * <p>For plain clients (tests, the cli) an instance is also a Kafka {@link Deserializer} that
 * throws on a bad record: {@code new ProtobufDeserializer<>(RolloutGenerated.parser())}.
 */
public class ProtobufDeserializer<T extends Message> implements Deserializer<T> {

    private final Parser<T> parser;

    public ProtobufDeserializer(Parser<T> parser) {
        this.parser = parser;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : parse(parser, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return data == null ? null : parse(parser, data, headers);
    }

    /** Parses an event or throws {@link InvalidEventException} saying why it is not one. */
    public static <T extends Message> T parse(Parser<T> parser, byte[] data) {
        return parse(parser, data, (String) null);
    }

    /** As {@link #parse(Parser, byte[])}, also checking the {@value Topics#EVENT_TYPE_HEADER} header if present. */
    public static <T extends Message> T parse(Parser<T> parser, byte[] data, Headers headers) {
        String declared = null;
        if (headers != null) {
            Header header = headers.lastHeader(Topics.EVENT_TYPE_HEADER);
            if (header != null && header.value() != null) {
                declared = new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return parse(parser, data, declared);
    }

    /**
     * As {@link #parse(Parser, byte[])}, also checking a declared type name.
     *
     * @param declaredType the {@value Topics#EVENT_TYPE_HEADER} header's value, or null if absent
     */
    public static <T extends Message> T parse(Parser<T> parser, byte[] data, String declaredType) {
        if (data == null) {
            throw new InvalidEventException("record has no value (a tombstone)");
        }
        T event;
        try {
            event = parser.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidEventException("not a protobuf message (" + data.length + " bytes): " + e.getMessage(), e);
        }
        Descriptor type = event.getDescriptorForType();
        if (declaredType != null && !declaredType.equals(type.getFullName())) {
            throw new InvalidEventException("header " + Topics.EVENT_TYPE_HEADER + " says " + declaredType
                    + " but this consumer reads " + type.getFullName());
        }
        FieldDescriptor eventId = type.findFieldByName("event_id");
        if (eventId != null && ((String) event.getField(eventId)).isEmpty()) {
            throw new InvalidEventException(type.getName() + " without event_id (" + data.length
                    + " bytes; " + event.getUnknownFields().asMap().size() + " unknown fields)");
        }
        return event;
    }

    /** A record that is not a valid event; its message becomes the dead letter's reason. */
    public static class InvalidEventException extends IllegalArgumentException {
        public InvalidEventException(String message) {
            super(message);
        }

        public InvalidEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
