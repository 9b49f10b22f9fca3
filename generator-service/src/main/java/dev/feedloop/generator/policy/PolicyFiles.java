package dev.feedloop.generator.policy;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.KnownPairs;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.tokenizer.Tokenizer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns checkpoints on disk into {@link Policy}s: a Feedloop checkpoint directory (weights,
 * config, tokenizer and the manifest pinning them, see {@link CheckpointStore}) or a llama2.c file
 * served with the configured llama2.c tokenizer.
 */
public final class PolicyFiles {

    private final NDManager root;
    private final Path llama2cTokenizer;

    /**
     * @param root             every policy gets its own sub-manager of it, closed with the policy
     * @param llama2cTokenizer tokenizer for llama2.c files (a checkpoint directory brings its own)
     */
    public PolicyFiles(NDManager root, Path llama2cTokenizer) {
        this.root = root;
        this.llama2cTokenizer = llama2cTokenizer;
    }

    /** The base model, trusted as configured (no expected hash). */
    public Policy loadBase(Path location) {
        return load(0, location, null);
    }

    /**
     * Loads a published version after checking its sha256 against the event and, for a
     * directory, every file against its manifest.
     *
     * @throws PolicyRefusedException saying which file and which hashes differ, or why it cannot load
     */
    public Policy load(PolicyRef ref) {
        if (ref.sha256() == null || ref.sha256().isBlank()) {
            throw new PolicyRefusedException("policy version " + ref.version() + " names no sha256");
        }
        return load(ref.version(), resolve(ref.checkpointUri()), ref.sha256().toLowerCase(Locale.ROOT));
    }

    /** A path or a {@code file:} URI, relative paths against the working directory. */
    public static Path resolve(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new PolicyRefusedException("empty checkpoint URI");
        }
        try {
            Path p = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
            return p.toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new PolicyRefusedException("checkpoint URI '" + uri + "' is not a path or file: URI", e);
        }
    }

    /** What {@code PolicyPublished.sha256} must be for {@code location}. */
    public static String expectedSha256(Path location) {
        return Files.isDirectory(location)
                ? Sha256.of(location.resolve(CheckpointStore.MANIFEST_FILE))
                : Sha256.of(location);
    }

    private Policy load(long version, Path location, String expectedSha256) {
        if (!Files.exists(location)) {
            throw new PolicyRefusedException("policy version " + version + ": " + location + " does not exist");
        }
        boolean directory = Files.isDirectory(location);
        if (expectedSha256 != null) {
            Path hashed = directory ? location.resolve(CheckpointStore.MANIFEST_FILE) : location;
            if (!Files.isRegularFile(hashed)) {
                throw new PolicyRefusedException("policy version " + version + ": " + hashed + " is missing");
            }
            String actual = Sha256.of(hashed);
            if (!actual.equals(expectedSha256)) {
                throw new PolicyRefusedException("policy version " + version + ": " + hashed + " has sha256 "
                        + actual + " but PolicyPublished.sha256 is " + expectedSha256);
            }
        }
        NDManager manager = root.newSubManager();
        try {
            LlamaModel model;
            Tokenizer tokenizer;
            if (directory) {
                LoadedCheckpoint checkpoint = CheckpointStore.load(location, manager); // verifies the manifest
                model = new LlamaModel(checkpoint.config(), manager, checkpoint.weights());
                tokenizer = checkpoint.tokenizer();
            } else {
                tokenizer = Llama2cTokenizer.load(llama2cTokenizer);
                KnownPairs.check(Sha256.of(location), tokenizer.sha256(), location, llama2cTokenizer);
                model = Llama2cCheckpoint.load(location, manager);
            }
            return new Policy(version, model, tokenizer, location.toString());
        } catch (RuntimeException e) {
            manager.close();
            if (e instanceof PolicyRefusedException refused) {
                throw refused;
            }
            throw new PolicyRefusedException("policy version " + version + " from " + location + ": " + e.getMessage(), e);
        }
    }
}
