package dev.feedloop.contracts.kafka;

import com.google.protobuf.Message;
import dev.feedloop.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a protobuf message as its binary encoding and names its type in the header
 * {@value Topics#EVENT_TYPE_HEADER} (the full name, e.g. {@code feedloop.events.v1.RolloutGenerated}),
 * so that a dead letter or a mixed topic can be read without guessing.
 *
 * <p>SmallRye: {@code mp.messaging.outgoing.<channel>.value.serializer=dev.feedloop.contracts.kafka.ProtobufSerializer}.
 */
public class ProtobufSerializer<T extends Message> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : data.toByteArray();
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        if (data == null) {
            return null;  // a tombstone
        }
        headers.remove(Topics.EVENT_TYPE_HEADER);
        headers.add(Topics.EVENT_TYPE_HEADER,
                data.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
        return data.toByteArray();
    }
}
