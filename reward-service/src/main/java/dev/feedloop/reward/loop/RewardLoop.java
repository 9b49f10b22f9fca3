package dev.feedloop.reward.loop;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.ResponseReward;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.ml.train.EncodedPair;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.preference.ComparisonBuilder;
import dev.feedloop.ml.preference.Feedback;
import dev.feedloop.ml.preference.HeldOutSplit;
import dev.feedloop.ml.train.BradleyTerryStep;
import dev.feedloop.ml.train.RewardEvaluator;
import dev.feedloop.reward.comparison.ComparisonAssembler;
import dev.feedloop.reward.feedback.EventIdDedup;
import dev.feedloop.reward.feedback.FeedbackJoin;
import dev.feedloop.reward.feedback.FeedbackMapper;
import dev.feedloop.reward.feedback.FeedbackPosition;
import dev.feedloop.reward.training.ComparisonPool;
import dev.feedloop.reward.training.FeedbackLedger;
import dev.feedloop.reward.training.MiniBatcher;
import dev.feedloop.reward.training.PublishGate;
import dev.feedloop.reward.training.RewardLearner;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * The reward service's state and its one use case, as plain Java: feedback in → join with its
 * rollout → deduplicate → comparisons → mini-batches → Bradley-Terry steps → every
 * {@code publishEvery} trained pairs an evaluation on the held-out comparisons → a gated
 * {@code RewardModelPublished}; rollouts in → {@code RolloutScored} under the published version.
 * Not thread-safe: the service calls it from its one model thread only.
 */
public final class RewardLoop {

    private static final System.Logger LOG = System.getLogger(RewardLoop.class.getName());
    /** Replay-only steps that can be owed at most: a burst of new pairs does not buy minutes of replay. */
    static final double MAX_REPLAY_CREDIT = 64;

    /**
     * @param publishEvery             trained new pairs between evaluations
     * @param scoreBeforeFirstVersion  score rollouts with version 0 before version 1 exists
     * @param replayRatio              replay-only steps (whole groups drawn from the replay buffer)
     *                                 that each step on new pairs earns, taken between the model
     *                                 thread's other work: noisy labels need several passes, and a
     *                                 step on new pairs sees each of them once
     * @param importWeight             factor on the loss weight of imported datasets' comparisons: a
     *                                 warm start that must not outvote the loop's own feedback (the
     *                                 bundled HH-RLHF is adult dialogue; it teaches "shorter wins",
     *                                 which a story model's panel may well disagree with)
     * @param liveFeedbackFirst        publish no version before the loop's own held-out feedback
     *                                 reaches {@code minHeldOutPairs}: a version judged only on
     *                                 imported data would steer the trainer before anyone has said
     *                                 what this loop's users want
     */
    public record Settings(int publishEvery, Path checkpointDir, boolean scoreBeforeFirstVersion, int batchSize,
            long seed, double heldOutFraction, int replayCapacity, int heldOutCapacity, int maxRollouts,
            int maxPendingFeedback, int dedupCapacity, boolean tiesAsSoftLabels, double minImprovement,
            int minHeldOutPairs, double replayRatio, double importWeight, boolean liveFeedbackFirst) {
        public Settings {
            if (!(importWeight >= 0 && importWeight <= 1)) {
                throw new IllegalArgumentException("feedloop.reward.import-weight = " + importWeight + " must be in [0, 1]");
            }
            if (!(replayRatio >= 0 && replayRatio <= MAX_REPLAY_CREDIT)) {
                throw new IllegalArgumentException("feedloop.reward.replay-ratio = " + replayRatio + " must be in [0, "
                        + MAX_REPLAY_CREDIT + "]");
            }
            if (publishEvery < 1) {
                throw new IllegalArgumentException("feedloop.reward.publish-every = " + publishEvery + " must be >= 1");
            }
            if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("feedloop.reward.heldout-fraction = " + heldOutFraction + " must be in [0, 1)");
            }
        }
    }

    /** A version that passed the gate and is written to disk, waiting for the broker's ack of its event. */
    public record Publication(long version, RewardModelPublished event) {
    }

    /** Rewards of a gRPC batch and the version that gave them. */
    public record Scores(float[] rewards, long version) {
    }

    private final RewardLearner learner;
    private final Settings settings;
    private final Clock clock;
    private final LoopStats stats;
    private final EventIdDedup dedup;
    private final FeedbackJoin join;
    private final ComparisonAssembler assembler;
    private final ComparisonPool replay;
    /** The train groups of the loop's own feedback: what replay draws from once it fills a batch. */
    private final ComparisonPool replayLive;
    private final ComparisonPool heldOut;
    /**
     * The held-out groups of the loop's own feedback (not imported): the gate's set once it holds
     * {@code minHeldOutPairs}. Imported datasets (adult dialogue for a model of children's stories)
     * would otherwise make up most of the held-out set, and their chance-level noise would decide
     * which versions of the loop's reward model get published.
     */
    private final ComparisonPool heldOutLive;
    /** New pairs from the loop's own feedback (annotators, the panel, production users): trained first. */
    private final Deque<MiniBatcher.Fresh> fresh = new ArrayDeque<>();
    /**
     * New pairs from imported datasets: a warm start, trained in arrival order whenever live feedback
     * leaves room in a batch, so thousands of imported pairs never stand between people's latest
     * feedback and the next reward-model version.
     */
    private final Deque<MiniBatcher.Fresh> freshImported = new ArrayDeque<>();
    private final MiniBatcher batcher;
    private final PublishGate gate;
    private final FeedbackLedger ledger;
    private long nextVersion;
    private int trainedSinceEvaluation;
    private double replayCredit;
    private final Random replayRandom;
    private double publishedAccuracy = Double.NaN;
    private String publishedAccuracyKey = "";

    /**
     * @param loaded      the version {@code learner} was loaded from, if any: its lineage is restored
     * @param nextVersion the number the next publication gets
     */
    public RewardLoop(RewardLearner learner, Settings settings, Optional<RewardModelPublished> loaded, long nextVersion,
            Clock clock, LoopStats stats) {
        this.learner = learner;
        this.settings = settings;
        this.clock = clock;
        this.stats = stats;
        this.dedup = new EventIdDedup(settings.dedupCapacity());
        this.join = new FeedbackJoin(settings.maxRollouts(), settings.maxPendingFeedback(), this::evicted);
        this.assembler = new ComparisonAssembler(
                new ComparisonBuilder(new ComparisonBuilder.Config(settings.tiesAsSoftLabels(), 0.0)),
                learner.encoder(), new HeldOutSplit(settings.heldOutFraction()), settings.maxRollouts());
        this.replay = new ComparisonPool(settings.replayCapacity());
        this.replayLive = new ComparisonPool(settings.replayCapacity());
        this.heldOut = new ComparisonPool(settings.heldOutCapacity());
        this.heldOutLive = new ComparisonPool(settings.heldOutCapacity());
        this.batcher = new MiniBatcher(settings.batchSize(), new Random(settings.seed()));
        this.replayRandom = new Random(settings.seed() + 1);
        this.gate = new PublishGate(settings.minImprovement(), settings.minHeldOutPairs());
        this.ledger = new FeedbackLedger(Topics.FEEDBACK, loaded.map(RewardModelPublished::getLineageList).orElse(List.of()));
        this.nextVersion = nextVersion;
        loaded.ifPresent(e -> stats.publishedHeldOutAccuracy = e.getHeldoutAccuracy());
        stats.publishedVersion = learner.publishedVersion();
    }

    // ---- feedback and the join ----

    /** A rollout: remembered for the join; feedback that waited for it is processed now. */
    public void onRollout(RolloutGenerated rollout) {
        for (FeedbackJoin.Joined j : join.offerRollout(rollout)) {
            process(j);
        }
        levels();
    }

    /** A feedback record read at {@code position}. */
    public void onFeedback(FeedbackRecorded feedback, FeedbackPosition position) {
        stats.feedbackReceived.incrementAndGet();
        if (!dedup.firstTime(feedback.getEventId())) {
            stats.feedbackDuplicates.incrementAndGet();
            ledger.settle(position);
        } else {
            join.offerFeedback(feedback, position).ifPresent(this::process);
        }
        levels();
    }

    private void process(FeedbackJoin.Joined j) {
        boolean restored = ledger.isRestored(j.position());
        FeedbackLedger.Ticket ticket = ledger.open(j.position());
        try {
            Feedback feedback = FeedbackMapper.toFeedback(j.feedback(), j.rollout());
            boolean imported = j.feedback().getSource() == Source.IMPORT;
            for (ComparisonAssembler.Group g : assembler.assemble(j.feedback().getEventId(), feedback)) {
                ComparisonPool pool = g.heldOut() ? heldOut : replay;
                int before = pool.groupSize(g.groupId());
                List<EncodedPair> pairs = imported && !g.heldOut() ? weighted(g.pairs(), settings.importWeight()) : g.pairs();
                pool.put(g.groupId(), pairs);
                if (!imported) {
                    (g.heldOut() ? heldOutLive : replayLive).put(g.groupId(), pairs);
                }
                if (restored) {
                    continue;
                }
                // a rebuilt score/thumb/flag group replaces its previous version: count what it added
                stats.comparisons.addAndGet(Math.max(0, g.pairs().size() - before));
                if (!g.heldOut()) {
                    for (var pair : pairs) {
                        ticket.hold();
                        (imported ? freshImported : fresh)
                                .addLast(new MiniBatcher.Fresh(pair, ticket));
                    }
                }
            }
            if (restored) {
                stats.feedbackRestored.incrementAndGet();
            }
        } catch (IllegalArgumentException e) {
            stats.feedbackRejected.incrementAndGet();
            LOG.log(Level.WARNING, "feedback " + j.feedback().getEventId() + " on rollout " + j.rollout().getRolloutId()
                    + " is unusable and skipped: " + e.getMessage());
        } finally {
            ticket.close();
        }
    }

    private void evicted(FeedbackJoin.Waiting w) {
        stats.feedbackEvicted.incrementAndGet();
        ledger.settle(w.position());
        LOG.log(Level.WARNING, "feedback " + w.feedback().getEventId() + " waited for rollout "
                + w.feedback().getRolloutId() + " longer than the join buffer holds and is dropped");
    }

    // ---- training and publication ----

    public boolean hasTrainingWork() {
        return !fresh.isEmpty() || !freshImported.isEmpty();
    }

    /**
     * One training step on the next mini-batch, if there are new pairs; when it completes
     * {@code publishEvery} trained pairs, an evaluation, and the publication it allows.
     */
    public Optional<Publication> trainStep() {
        MiniBatcher.Batch batch = batcher.next(List.of(fresh, freshImported), replaySource());
        if (batch.fresh().isEmpty()) {
            return Optional.empty();
        }
        BradleyTerryStep.Result r = learner.train(batch.pairs());
        batch.fresh().forEach(f -> f.ticket().release());
        stats.trainingSteps.incrementAndGet();
        stats.lastLoss = r.loss();
        stats.lastAccuracy = r.accuracy();
        trainedSinceEvaluation += batch.fresh().size();
        replayCredit = Math.min(MAX_REPLAY_CREDIT, replayCredit + settings.replayRatio());
        levels();
        if (trainedSinceEvaluation < settings.publishEvery()) {
            return Optional.empty();
        }
        trainedSinceEvaluation = 0;
        return evaluate(r);
    }

    /** Replay draws from the loop's own feedback once it can fill a batch, before that from all of it. */
    private ComparisonPool replaySource() {
        return replayLive.size() >= batcher.batchSize() ? replayLive : replay;
    }

    /** The same pairs with their loss weight multiplied by {@code factor}. */
    static List<EncodedPair> weighted(List<EncodedPair> pairs, double factor) {
        List<EncodedPair> out = new ArrayList<>(pairs.size());
        for (EncodedPair p : pairs) {
            out.add(new EncodedPair(p.groupId(), p.prompt(), p.chosen(), p.rejected(), (float) (p.weight() * factor),
                    p.margin(), p.label()));
        }
        return out;
    }

    /** Whether a replay-only step is owed and the replay buffer can fill a batch. */
    public boolean hasReplayWork() {
        return replayCredit >= 1 && replaySource().size() >= batcher.batchSize();
    }

    /**
     * One step on a batch drawn uniformly from the replay buffer (pairs already trained on once),
     * paid for by earlier steps on new pairs. It settles no feedback and triggers no evaluation:
     * the next evaluation comes, as always, after {@code publishEvery} new pairs.
     */
    public void replayStep() {
        if (!hasReplayWork()) {
            return;
        }
        BradleyTerryStep.Result r = learner.train(replaySource().sampleGroups(batcher.batchSize(), replayRandom));
        replayCredit -= 1;
        stats.replaySteps.incrementAndGet();
        stats.lastLoss = r.loss();
        stats.lastAccuracy = r.accuracy();
    }

    private Optional<Publication> evaluate(BradleyTerryStep.Result last) {
        stats.evaluations.incrementAndGet();
        boolean live = usesLiveHeldOut();
        if (settings.liveFeedbackFirst() && !live) {
            stats.gateRefusals.incrementAndGet();
            LOG.log(Level.INFO, "candidate not published (version " + learner.publishedVersion() + " stays): "
                    + heldOutLive.size() + " held-out pairs of the loop's own feedback, fewer than the "
                    + settings.minHeldOutPairs() + " required before a version is judged");
            return Optional.empty();
        }
        var pairs = (live ? heldOutLive : heldOut).all();
        RewardEvaluator.Metrics candidate = learner.evaluateCandidate(pairs);
        if (!publishedAccuracyKey.equals(heldOutKey())) {
            publishedAccuracy = learner.evaluatePublished(pairs).accuracy();
            publishedAccuracyKey = heldOutKey();
        }
        stats.candidateHeldOutAccuracy = candidate.accuracy();
        PublishGate.Decision decision = gate.decide(candidate.pairs(), candidate.accuracy(), publishedAccuracy);
        if (!decision.publish()) {
            stats.gateRefusals.incrementAndGet();
            LOG.log(Level.INFO, "candidate not published (version " + learner.publishedVersion() + " stays): "
                    + decision.reason());
            return Optional.empty();
        }
        long version = nextVersion++;
        Path dir = settings.checkpointDir().resolve("v" + version).toAbsolutePath().normalize();
        List<OffsetRange> lineage = ledger.lineage();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("reward_model_version", Long.toString(version));
        metadata.put("heldout_accuracy", Double.toString(candidate.accuracy()));
        metadata.put("heldout_pairs", Integer.toString(candidate.pairs()));
        learner.writeCandidate(dir, metadata);
        Instant now = clock.instant();
        RewardModelPublished event = RewardModelPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setVersion(version)
                .setCheckpointUri(dir.toUri().toString())
                .setSha256(Sha256.of(dir.resolve(CheckpointStore.MANIFEST_FILE)))
                .setHeldoutAccuracy(candidate.accuracy())
                .setHeldoutPairs(candidate.pairs())
                .addAllLineage(lineage)
                .putMetrics("loss", last.loss())
                .putMetrics("accuracy", last.accuracy())
                .putMetrics("margin", last.margin())
                .putMetrics("pairs", replay.size())
                .putMetrics("batch_pairs", last.pairs())
                .putMetrics("heldout_margin", candidate.meanMargin())
                .putMetrics("heldout_lower95", candidate.lower95())
                .putMetrics("heldout_upper95", candidate.upper95())
                .putMetrics("previous_heldout_accuracy", publishedAccuracy)
                .putMetrics("heldout_live", live ? 1 : 0)
                .putMetrics("heldout_live_pairs", heldOutLive.size())
                .putMetrics("heldout_all_pairs", heldOut.size())
                .putMetrics("training_steps", learner.optimizerSteps())
                .build();
        LOG.log(Level.INFO, "reward model version " + version + " passes the gate (" + decision.reason() + "); "
                + "checkpoint " + dir);
        return Optional.of(new Publication(version, event));
    }

    /** Whether the gate judges on the loop's own held-out feedback (enough of it) rather than on all of it. */
    boolean usesLiveHeldOut() {
        return heldOutLive.size() >= settings.minHeldOutPairs();
    }

    /** Names the held-out set in use and its contents: the published accuracy is re-measured when it changes. */
    private String heldOutKey() {
        return usesLiveHeldOut() ? "live:" + heldOutLive.generation() : "all:" + heldOut.generation();
    }

    /** The broker acknowledged the publication: the candidate as written becomes the published version. */
    public void published(Publication p) {
        learner.promote(p.version());
        publishedAccuracy = p.event().getHeldoutAccuracy();
        publishedAccuracyKey = heldOutKey();
        stats.publishedVersion = p.version();
        stats.publishedHeldOutAccuracy = p.event().getHeldoutAccuracy();
    }

    // ---- scoring ----

    /** Whether rollouts may be scored now (version 1 exists, or version 0 is allowed). */
    public boolean canScoreRollouts() {
        return learner.publishedVersion() >= 1 || settings.scoreBeforeFirstVersion();
    }

    /** One {@code RolloutScored} per rollout, rewards in response order, under the published version. */
    public List<RolloutScored> score(List<RolloutGenerated> rollouts) {
        List<String> prompts = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        for (RolloutGenerated r : rollouts) {
            for (Response x : r.getResponsesList()) {
                prompts.add(r.getPromptText());
                responses.add(x.getText());
            }
        }
        float[] rewards = learner.score(prompts, responses);
        long version = learner.publishedVersion();
        Instant now = clock.instant();
        List<RolloutScored> out = new ArrayList<>(rollouts.size());
        int i = 0;
        for (RolloutGenerated r : rollouts) {
            RolloutScored.Builder b = RolloutScored.newBuilder()
                    .setEventId(scoredEventId(r))
                    .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                    .setRollout(r)
                    .setRewardModelVersion(version);
            for (Response x : r.getResponsesList()) {
                b.addRewards(ResponseReward.newBuilder().setResponseId(x.getResponseId()).setReward(rewards[i++]));
            }
            out.add(b.build());
        }
        stats.rolloutsScored.addAndGet(rollouts.size());
        return out;
    }

    /**
     * The event id of a rollout's score: derived from the rollout's event id, so a rollout scored
     * again after a crash (between the broker's ack and the offset commit) carries the same id and
     * consumers drop it as a duplicate.
     */
    public static String scoredEventId(RolloutGenerated r) {
        return UUID.nameUUIDFromBytes(("RolloutScored/" + r.getEventId()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Rewards of (prompt, response) texts under the published version (gRPC). */
    public Scores scoreTexts(List<String> prompts, List<String> responses) {
        return new Scores(learner.score(prompts, responses), learner.publishedVersion());
    }

    // ---- state ----

    public long publishedVersion() {
        return learner.publishedVersion();
    }

    public List<OffsetRange> lineage() {
        return ledger.lineage();
    }

    /** Held-out pairs of the loop's own (not imported) feedback. */
    public int heldOutLivePairs() {
        return heldOutLive.size();
    }

    public int heldOutPairs() {
        return heldOut.size();
    }

    public int replayPairs() {
        return replay.size();
    }

    private void levels() {
        stats.pendingFeedback = join.pendingCount();
        stats.freshPairs = fresh.size() + freshImported.size();
        stats.replayPairs = replay.size();
        stats.heldOutPairs = heldOut.size();
    }
}
