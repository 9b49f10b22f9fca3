package dev.feedloop.trainer.policy;

import ai.djl.ndarray.NDArray;
import dev.feedloop.ml.checkpoint.CheckpointManifest;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.trainer.lineage.OffsetCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The trainer's checkpoint directory: one Feedloop checkpoint per policy version,
 * {@code <dir>/v000003/} written by {@link CheckpointStore} (atomically: a reader or a restart sees a
 * whole checkpoint or none). The manifest's metadata carries what a restart needs
 * ({@link TrainerState}): the consumer positions the version trained up to, its lineage, the KL
 * coefficient, and the {@code PolicyPublished} to send. They sit in {@code manifest.json}, the file
 * whose sha256 {@code PolicyPublished.sha256} names, so the hash covers them too.
 */
public final class PolicyCheckpoints {

    public static final String VERSION = "feedloop.policy_version";
    public static final String PARENT = "feedloop.parent_version";
    public static final String REWARD_MODEL_VERSION = "feedloop.reward_model_version";
    public static final String RESUME_POSITIONS = "feedloop.trainer.resume_positions";
    public static final String LINEAGE = "feedloop.lineage";
    public static final String KL_COEFFICIENT = "feedloop.trainer.kl_coefficient";
    public static final String ALGORITHM = "feedloop.trainer.algorithm";
    public static final String PUBLISHED_EVENT = "feedloop.trainer.policy_published";

    private static final Pattern NAME = Pattern.compile("v(\\d{6,})");

    private final Path dir;
    private final Path tokenizerFile;

    /**
     * @param dir           where versions are written; created if missing
     * @param tokenizerFile copied into every checkpoint
     */
    public PolicyCheckpoints(Path dir, Path tokenizerFile) {
        this.dir = dir.toAbsolutePath().normalize();
        this.tokenizerFile = tokenizerFile;
    }

    public Path dir() {
        return dir;
    }

    /** Where version {@code version} lives. */
    public Path location(long version) {
        return dir.resolve(String.format("v%06d", version));
    }

    /** A written version: where, and the sha256 that {@code PolicyPublished.sha256} must carry. */
    public record Written(long version, Path location, String sha256, CheckpointManifest manifest) {
    }

    /** Writes {@code model} (trunk and any heads) as {@code version} with {@code metadata}. */
    public Written write(long version, LlamaModel model, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create checkpoint directory " + dir, e);
        }
        Path location = location(version);
        LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>(model.weights());
        CheckpointManifest manifest = CheckpointStore.write(location, model.config(), weights, tokenizerFile, metadata);
        return new Written(version, location, sha256(location), manifest);
    }

    /**
     * What {@code PolicyPublished.sha256} is for a checkpoint directory: the sha256 of its
     * {@code manifest.json}, which pins every other file (the rule generator-service's
     * {@code PolicyFiles.expectedSha256} applies).
     */
    public static String sha256(Path location) {
        return Sha256.of(location.resolve(CheckpointStore.MANIFEST_FILE));
    }

    /** The newest whole checkpoint in the directory, if any (temporary directories of an interrupted write are ignored). */
    public Optional<Path> latest() {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(CheckpointStore.MANIFEST_FILE)))
                    .max(Comparator.comparingLong(PolicyCheckpoints::versionOf));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint directory " + dir, e);
        }
    }

    static long versionOf(Path location) {
        Matcher m = NAME.matcher(location.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(location + " is not a version directory (v000001)");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Reads the restart state from a checkpoint's manifest after verifying every file's hash.
     *
     * @throws IllegalStateException naming the checkpoint and the field that is missing or bad
     */
    public static TrainerState state(Path location) {
        CheckpointManifest manifest = CheckpointStore.verify(location);
        Map<String, String> m = manifest.metadata();
        try {
            long version = Long.parseLong(required(m, VERSION, location));
            if (version != versionOf(location)) {
                throw new IllegalStateException("manifest says version " + version);
            }
            return new TrainerState(version,
                    OffsetCodec.parsePositions(m.getOrDefault(RESUME_POSITIONS, "")),
                    Double.parseDouble(m.getOrDefault(KL_COEFFICIENT, "NaN")),
                    Long.parseLong(m.getOrDefault(REWARD_MODEL_VERSION, "-1")),
                    Base64.getDecoder().decode(m.getOrDefault(PUBLISHED_EVENT, "")));
        } catch (RuntimeException e) {
            throw new IllegalStateException("checkpoint " + location + ": cannot resume from its manifest: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> m, String key, Path location) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalStateException("metadata '" + key + "' is missing from " + location);
        }
        return v;
    }
}
