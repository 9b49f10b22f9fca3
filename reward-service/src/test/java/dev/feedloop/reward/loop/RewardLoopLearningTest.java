package dev.feedloop.reward.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Threads;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.reward.Fixtures;
import dev.feedloop.reward.feedback.FeedbackPosition;
import dev.feedloop.reward.training.RewardLearner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop on its own, real DJL and the real stories260K trunk, on a known preference: stories in
 * which someone is happy are ranked above stories in which someone is sad. (1) Fed one ranking at a
 * time, the online reward model's held-out accuracy rises from version 0's 0.5 (a zero head ties
 * every pair) and the gate only ever publishes a version that did not fall. (2) A loop restored from
 * the last published checkpoint and fed the same topic again counts nothing twice: the feedback in
 * that version's lineage is restored, the rest is new.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RewardLoopLearningTest {

    static final Path MODEL = Path.of("../data/models/stories260K/stories260K.bin");
    static final Path TOKENIZER = Path.of("../data/models/stories260K/tok512.bin");
    static final double FRACTION = 0.3;
    static final String[] NAMES = {"Tom", "Lily", "Sam", "Mia", "Ben", "Anna", "Max", "Sue"};
    static final String[] THINGS = {"ball", "cat", "tree", "cake", "boat", "toy", "park", "dog"};

    @TempDir
    static Path checkpoints;
    static NDManager root;
    static final List<RolloutGenerated> rollouts = new ArrayList<>();
    static final List<FeedbackRecorded> feedback = new ArrayList<>();
    static final List<RewardModelPublished> published = new ArrayList<>();
    static LoopStats firstStats;
    static int firstReplayPairs;
    static int firstHeldOutPairs;

    @BeforeAll
    static void start() {
        Threads.configure(1, 1);  // as in the service; the test machines are shared
        root = NDManager.newBaseManager();
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String thing = THINGS[random.nextInt(THINGS.length)];
            String other = THINGS[random.nextInt(THINGS.length)];
            RolloutGenerated r = Fixtures.rollout("r" + i, "Once upon a time " + i + ", " + name + " saw a " + thing + ".",
                    name + " was very happy with the " + thing + " and smiled.",
                    name + " was sad because the " + other + " was lost.",
                    "The " + thing + " made " + name + " happy all day.",
                    name + " felt sad and cried about the " + other + ".");
            rollouts.add(r);
            // happy (0, 2) above sad (1, 3); the tied pairs within a tier are dropped: 4 pairs
            feedback.add(Fixtures.tiers(UUID.randomUUID().toString(), r, new int[] {0, 2}, new int[] {1, 3}));
        }
    }

    @AfterAll
    static void close() {
        root.close();
    }

    static RewardLoop.Settings settings() {
        return new RewardLoop.Settings(16, checkpoints, false, 16, 1, FRACTION, 20000, 2000, 1000, 1000, 100000,
                false, 0.0, 12, 0.0, 1.0, false);
    }

    static RewardLearner base() {
        return RewardLearner.fromBase(root, MODEL, TOKENIZER, 40, 1e-3, 64);
    }

    static void drain(RewardLoop loop) {
        while (loop.hasTrainingWork()) {
            loop.trainStep().ifPresent(p -> {
                loop.published(p);  // what the worker does once the broker acknowledged the event
                published.add(p.event());
            });
        }
    }

    @Test
    @Order(1)
    void heldOutAccuracyRisesAsRankingsArriveAndNoPublishedVersionIsWorse() {
        firstStats = new LoopStats();
        RewardLearner learner = base();
        RewardLoop loop = new RewardLoop(learner, settings(), Optional.empty(), 1, Clock.systemUTC(), firstStats);
        assertFalse(loop.canScoreRollouts(), "rollouts wait for version 1 by default");
        for (int i = 0; i < rollouts.size(); i++) {
            loop.onRollout(rollouts.get(i));
            loop.onFeedback(feedback.get(i), new FeedbackPosition(0, i));
            if (i == 5) {
                loop.onFeedback(feedback.get(i), new FeedbackPosition(0, 1000));  // a resend: same event_id
            }
            drain(loop);
        }
        firstReplayPairs = loop.replayPairs();
        firstHeldOutPairs = loop.heldOutPairs();

        System.out.printf("published versions %s, held-out accuracies %s on %d pairs%n",
                published.stream().map(RewardModelPublished::getVersion).toList(),
                published.stream().map(RewardModelPublished::getHeldoutAccuracy).toList(), firstHeldOutPairs);
        assertEquals(1, firstStats.feedbackDuplicates.get());
        assertEquals(40L * 4, firstStats.comparisons.get(), "40 rankings of 2 over 2, each counted once");
        assertFalse(published.isEmpty(), "no version published");
        double previous = 0.5;  // version 0: a zero head ties every pair
        for (RewardModelPublished p : published) {
            assertTrue(p.getHeldoutAccuracy() >= previous - 1e-9, "the gate let a worse version through: " + p);
            previous = p.getHeldoutAccuracy();
        }
        RewardModelPublished last = published.get(published.size() - 1);
        assertTrue(last.getHeldoutAccuracy() >= 0.85, "held-out accuracy " + last.getHeldoutAccuracy());
        assertTrue(firstStats.candidateHeldOutAccuracy >= 0.85, "the candidate keeps it: " + firstStats.candidateHeldOutAccuracy);
        assertTrue(last.getHeldoutPairs() >= 12);
        assertEquals(last.getVersion(), loop.publishedVersion());
        assertTrue(loop.canScoreRollouts());

        RolloutScored scored = loop.score(List.of(rollouts.get(0))).get(0);
        assertEquals(4, scored.getRewardsCount());
        assertEquals(last.getVersion(), scored.getRewardModelVersion());
        float happy = scored.getRewards(0).getReward();
        float sad = scored.getRewards(1).getReward();
        assertTrue(happy > sad, "happy " + happy + " > sad " + sad);
        assertEquals(RewardLoop.scoredEventId(rollouts.get(0)), scored.getEventId(), "deterministic id");
        learner.close();
    }

    @Test
    @Order(2)
    void aRestoredLoopCountsNothingTwice() {
        RewardModelPublished last = published.get(published.size() - 1);
        List<OffsetRange> lineage = last.getLineageList();
        assertFalse(lineage.isEmpty());
        RewardLearner learner = RewardLearner.fromCheckpoint(root, Path.of(URI.create(last.getCheckpointUri())),
                last.getVersion(), last.getSha256(), 40, 1e-3, 64);
        assertEquals(last.getVersion(), learner.publishedVersion());
        LoopStats stats = new LoopStats();
        RewardLoop loop = new RewardLoop(learner, settings(), Optional.of(last), last.getVersion() + 1, Clock.systemUTC(), stats);
        assertTrue(loop.canScoreRollouts(), "the restored version scores at once");

        // the topic again, from the beginning, feedback first this time (it waits for its rollouts)
        for (int i = 0; i < feedback.size(); i++) {
            loop.onFeedback(feedback.get(i), new FeedbackPosition(0, i));
        }
        loop.onFeedback(feedback.get(5), new FeedbackPosition(0, 1000));
        rollouts.forEach(loop::onRollout);

        long inLineage = 0;
        for (int i = 0; i < feedback.size(); i++) {
            inLineage += covered(lineage, i) ? 1 : 0;
        }
        assertTrue(inLineage > 0);
        assertEquals(inLineage, stats.feedbackRestored.get());
        assertEquals(1, stats.feedbackDuplicates.get());
        assertEquals((feedback.size() - inLineage) * 4, stats.comparisons.get(),
                "only feedback the version had not accounted for is new");
        assertEquals(firstReplayPairs, loop.replayPairs(), "the replay buffer is rebuilt");
        assertEquals(firstHeldOutPairs, loop.heldOutPairs(), "the held-out set is rebuilt");

        // scores on a new rollout: each one rebuilds the rollout's score group, counted by what it adds
        RolloutGenerated scored = Fixtures.rollout("scored", rollouts.get(0).getPromptText(), "A happy day.", "A sad day.", "A dog.");
        loop.onRollout(scored);
        long before = stats.comparisons.get();
        loop.onFeedback(Fixtures.score("s1", scored, 0, 7), new FeedbackPosition(1, 0));
        assertEquals(before, stats.comparisons.get(), "one score pairs with nothing");
        loop.onFeedback(Fixtures.score("s2", scored, 1, 2), new FeedbackPosition(1, 1));
        assertEquals(before + 1, stats.comparisons.get());
        loop.onFeedback(Fixtures.score("s3", scored, 2, 4), new FeedbackPosition(1, 2));
        assertEquals(before + 3, stats.comparisons.get(), "three scored responses: three pairs in all");
        learner.close();
    }

    @Test
    @Order(3)
    void eachStepOnNewPairsEarnsReplayStepsThatSettleNothingAndPublishNothing() {
        LoopStats stats = new LoopStats();
        RewardLearner learner = base();
        RewardLoop.Settings two = new RewardLoop.Settings(1000, checkpoints.resolve("replay"), false, 16, 1, FRACTION,
                20000, 2000, 1000, 1000, 100000, false, 0.0, 12, 2.0, 1.0, false);
        RewardLoop loop = new RewardLoop(learner, two, Optional.empty(), 1, Clock.systemUTC(), stats);
        for (int i = 0; i < 12; i++) {
            loop.onRollout(rollouts.get(i));
            loop.onFeedback(feedback.get(i), new FeedbackPosition(0, i));
        }
        assertFalse(loop.hasReplayWork(), "nothing earned before a step on new pairs");
        int freshSteps = 0;
        while (loop.hasTrainingWork()) {
            assertTrue(loop.trainStep().isEmpty(), "publish-every 1000 is far away");
            freshSteps++;
        }
        assertTrue(freshSteps >= 2 && loop.replayPairs() >= 16, "steps " + freshSteps + ", replay " + loop.replayPairs());
        int replaySteps = 0;
        while (loop.hasReplayWork()) {
            loop.replayStep();
            replaySteps++;
        }
        assertEquals(2 * freshSteps, replaySteps, "two replay steps per step on new pairs");
        assertEquals(replaySteps, stats.replaySteps.get());
        assertEquals(freshSteps, stats.trainingSteps.get(), "replay steps are counted apart");
        assertEquals(0, stats.evaluations.get(), "replay steps trigger no evaluation");
        assertEquals(0, loop.publishedVersion());
        loop.replayStep();  // nothing owed: a no-op
        assertEquals(replaySteps, stats.replaySteps.get());
        learner.close();
    }

    @Test
    @Order(4)
    void theGateWaitsForAndThenJudgesOnTheLoopsOwnHeldOutFeedback() {
        RewardLearner learner = base();
        List<RewardModelPublished> out = new ArrayList<>();
        // versions from 100: the first test's checkpoints share the directory
        RewardLoop.Settings liveFirst = new RewardLoop.Settings(16, checkpoints, false, 16, 1, FRACTION, 20000, 2000,
                1000, 1000, 100000, false, 0.0, 12, 0.0, 1.0, true);
        RewardLoop loop = new RewardLoop(learner, liveFirst, Optional.empty(), 100, Clock.systemUTC(), new LoopStats());
        for (int i = 0; i < rollouts.size(); i++) {
            loop.onRollout(rollouts.get(i));
            // an imported dataset's verdicts, on the same responses
            loop.onFeedback(feedback.get(i).toBuilder().setEventId("import-" + i).setSource(Source.IMPORT).build(),
                    new FeedbackPosition(0, i));
        }
        assertEquals(0, loop.heldOutLivePairs());
        assertTrue(loop.heldOutPairs() >= 12);
        assertFalse(loop.usesLiveHeldOut(), "only imported feedback: the gate judges on all of it");
        while (loop.hasTrainingWork()) {
            assertTrue(loop.trainStep().isEmpty(), "no version before the loop's own feedback has a say");
        }
        for (int i = 0; i < rollouts.size(); i++) {
            loop.onFeedback(feedback.get(i).toBuilder().setEventId("live-" + i).setSource(Source.SIMULATED).build(),
                    new FeedbackPosition(1, i));
        }
        assertTrue(loop.usesLiveHeldOut(), "enough of the loop's own held-out feedback");
        assertTrue(loop.heldOutLivePairs() < loop.heldOutPairs());
        while (loop.hasTrainingWork()) {
            loop.trainStep().ifPresent(p -> {
                loop.published(p);
                out.add(p.event());
            });
        }
        assertFalse(out.isEmpty());
        RewardModelPublished last = out.get(out.size() - 1);
        assertEquals(1.0, last.getMetricsOrThrow("heldout_live"));
        assertEquals(loop.heldOutLivePairs(), last.getHeldoutPairs(), "accuracy measured on the live pairs only");
        learner.close();
    }

    @Test
    @Order(5)
    void importedPairsTrainAtTheImportWeight() {
        var pair = new dev.feedloop.ml.train.EncodedPair("g", new int[] {1}, new int[] {5}, new int[] {6}, 1f / 6, 0f, 1f);
        var scaled = RewardLoop.weighted(List.of(pair), 0.1).get(0);
        assertEquals(1.0 / 60, scaled.weight(), 1e-7, "a K = 4 ranking's pair weight 1/6 times 0.1");
        assertEquals("g", scaled.groupId());
        assertEquals(1f, scaled.label());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RewardLoop.Settings(16, checkpoints, false, 16, 1, FRACTION, 20000, 2000, 1000, 1000, 100000,
                        false, 0.0, 12, 0.0, 1.5, false), "an import weight above 1 is refused");
    }

    static boolean covered(List<OffsetRange> lineage, long offset) {
        return lineage.stream().anyMatch(r -> r.getPartition() == 0 && r.getFromOffset() <= offset && offset <= r.getToOffset());
    }
}
