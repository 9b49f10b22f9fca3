package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.labeling.annotators.AgreementTracker;
import dev.feedloop.labeling.annotators.AnnotatorHistory;
import dev.feedloop.labeling.dashboard.DashboardState;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * In: {@code FeedbackRecorded} from {@code feedloop.feedback.v1} (channel {@code feedback-in}) →
 * {@link TaskQueue#record}: rebuilds, after a restart, which annotator labeled which rollout and
 * which event ids were seen (its own events come back too and are no-ops there); also feeds the
 * agreement report, the annotators' histories and the dashboard's feedback counts. Unparseable records go
 * to {@code feedloop.feedback.v1.dlq}.
 */
@ApplicationScoped
public class FeedbackConsumer {

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    @Inject
    AgreementTracker agreement;

    @Inject
    AnnotatorHistory history;

    @Inject
    DashboardState dashboard;

    @Incoming("feedback-in")
    public void onFeedback(ConsumerRecord<String, byte[]> record) {
        try {
            FeedbackRecorded feedback = ProtobufDeserializer.parse(FeedbackRecorded.parser(), record.value(), record.headers());
            queue.record(feedback);
            agreement.record(feedback);
            history.record(feedback);
            dashboard.onFeedback(record.partition(), record.offset(), feedback);
        } finally {
            replay.consumed(record.topic(), record.partition(), record.offset());  // a dead letter counts as handled
        }
    }
}
