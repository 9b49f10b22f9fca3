package dev.feedloop.labeling.annotators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Flag;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Thumb;
import dev.feedloop.contracts.events.v1.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotatorHistoryTest {

    private static FeedbackRecorded.Builder event(String id, String annotator, Source source) {
        return FeedbackRecorded.newBuilder().setEventId(id).setRolloutId("r1").setAnnotator(annotator).setSource(source)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L));
    }

    @Test
    void eachAnnotatorSeesOnlyTheirOwnNewestFirstOnceEach() {
        AnnotatorHistory history = new AnnotatorHistory(2);
        FeedbackRecorded ranking = event("e1", "alice", Source.ANNOTATOR).setComment("b is best").setRanking(Ranking.newBuilder()
                .addTiers(Tier.newBuilder().addResponseIds("r1/1")).addTiers(Tier.newBuilder().addResponseIds("r1/0").addResponseIds("r1/2"))).build();
        history.record(ranking);
        history.record(ranking);  // redelivered
        history.record(event("e2", "alice", Source.ANNOTATOR).setScore(Score.newBuilder().setResponseId("r1/1").setValue(6)).build());
        history.record(event("e3", "bob", Source.ANNOTATOR).setFlag(Flag.newBuilder().setResponseId("r1/0").setCategory("harmful")).build());
        history.record(event("e4", "user:ab", Source.PRODUCTION).setThumb(Thumb.newBuilder().setResponseId("r1/0").setUp(true)).build());

        List<AnnotatorHistory.Entry> alice = history.of("alice");
        assertEquals(List.of("e2", "e1"), alice.stream().map(AnnotatorHistory.Entry::eventId).toList());
        assertEquals("r1/1: 6", alice.get(0).summary());
        assertEquals("r1/1 > r1/0 = r1/2", alice.get(1).summary());
        assertEquals("b is best", alice.get(1).comment());
        assertEquals("ranking", alice.get(1).kind());
        assertEquals(List.of("r1/0: harmful"), history.of("bob").stream().map(AnnotatorHistory.Entry::summary).toList());
        assertEquals(List.of(), history.of("user:ab"), "production feedback is nobody's history here");

        history.record(event("e5", "alice", Source.SIMULATED).setScore(Score.newBuilder().setResponseId("r1/0").setValue(1)).build());
        assertEquals(List.of("e5", "e2"), history.of("alice").stream().map(AnnotatorHistory.Entry::eventId).toList(), "kept: the latest 2");
    }
}
