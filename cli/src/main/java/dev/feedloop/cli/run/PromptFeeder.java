package dev.feedloop.cli.run;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.PromptSubmitted;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.kafka.ProtobufSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the run's training prompts to {@code feedloop.prompts.v1} (key prompt_id), cycling through
 * them, keeping at most {@code maxAhead} prompts submitted but not yet answered by a rollout, so the
 * generator is always busy but the queue never runs ahead of the panel and the trainer (a prompt
 * that waits long is sampled by an old policy and becomes stale).
 */
public final class PromptFeeder implements AutoCloseable {
    private final KafkaProducer<String, PromptSubmitted> producer;
    private final List<String> prompts;
    private final int samplesPerPrompt;
    private final String runId;
    private long sent;

    public PromptFeeder(String bootstrap, List<String> prompts, int samplesPerPrompt, String runId) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no training prompts");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all"); // nothing lost
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // retries never duplicate a prompt
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProtobufSerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.prompts = prompts;
        this.samplesPerPrompt = samplesPerPrompt;
        this.runId = runId;
    }

    /** Tops the queue up to {@code maxAhead} unanswered prompts; {@code answered} counts rollouts seen. */
    public void topUp(LongSupplier answered, int maxAhead) throws Exception {
        while (sent - answered.getAsLong() < maxAhead) {
            String text = prompts.get((int) (sent % prompts.size()));
            String promptId = runId + "-" + sent;
            Instant now = Instant.now();
            PromptSubmitted event = PromptSubmitted.newBuilder()
                    .setEventId(UUID.nameUUIDFromBytes(promptId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                    .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                    .setPromptId(promptId)
                    .setText(text)
                    .setSource(Source.CURATED)
                    .addTags("tinystories")
                    .setNumResponses(samplesPerPrompt)
                    .build();
            producer.send(new ProducerRecord<>(Topics.PROMPTS, promptId, event)).get(30, TimeUnit.SECONDS);
            sent++;
        }
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
