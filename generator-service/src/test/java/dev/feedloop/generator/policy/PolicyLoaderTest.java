package dev.feedloop.generator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.feedloop.generator.policy.PolicyLoader.Outcome;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader against real stories260K checkpoints: good versions swap in, bad ones are refused. */
class PolicyLoaderTest {

    static final Path MODEL = Path.of("../data/models/stories260K/stories260K.bin").toAbsolutePath().normalize();
    static final Path TOKENIZER = Path.of("../data/models/stories260K/tok512.bin").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private NDManager root;
    private PolicyHolder holder;
    private PolicyLoader loader;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        root = NDManager.newBaseManager();
        PolicyFiles files = new PolicyFiles(root, TOKENIZER);
        holder = new PolicyHolder();
        assertTrue(holder.offer(files.loadBase(MODEL)));
        registry = new SimpleMeterRegistry();
        loader = new PolicyLoader(holder, files, registry);
    }

    @AfterEach
    void tearDown() {
        loader.close();
        holder.close();
        root.close();
    }

    @Test
    void aVerifiedCheckpointIsServedFromTheNextBatch() throws Exception {
        Path dir = writeCheckpoint("v1");
        assertEquals(Outcome.LOADED, submit(1, dir.toUri().toString(), PolicyFiles.expectedSha256(dir)));
        assertEquals(0, holder.currentVersion(), "not swapped until the generating thread asks");
        assertEquals(1, holder.swapIfPending().orElseThrow().version());
        assertEquals(1, holder.currentVersion());
        assertEquals(Outcome.NOT_NEWER, submit(1, dir.toString(), PolicyFiles.expectedSha256(dir)));
        assertEquals(0, refused());
    }

    @Test
    void aHashThatDiffersFromTheEventIsRefusedAndTheOldVersionServes() throws Exception {
        Path dir = writeCheckpoint("v1");
        assertEquals(Outcome.REFUSED, submit(1, dir.toString(), "0".repeat(64)));
        assertEquals(1.0, refused());
        assertTrue(holder.swapIfPending().isEmpty());
        assertEquals(0, holder.currentVersion());
    }

    @Test
    void aFileThatDiffersFromItsManifestIsRefusedEvenWhenTheEventMatchesTheManifest() throws Exception {
        Path dir = writeCheckpoint("v1");
        try (FileChannel ch = FileChannel.open(dir.resolve(CheckpointStore.WEIGHTS_FILE), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), ch.size() - 4);  // flip the last float
        }
        assertEquals(Outcome.REFUSED, submit(1, dir.toString(), PolicyFiles.expectedSha256(dir)));
        assertEquals(1.0, refused());
        assertEquals(0, holder.newestVersion());
    }

    @Test
    void missingCheckpointsAreRefusedAndLlama2cFilesAreHashedWhole() throws Exception {
        assertEquals(Outcome.REFUSED, submit(1, tmp.resolve("nope").toString(), "0".repeat(64)));
        assertEquals(Outcome.LOADED, submit(2, MODEL.toString(), Sha256.of(MODEL)));
        assertEquals(1.0, refused());
        assertEquals(2, holder.newestVersion());
    }

    private Outcome submit(long version, String uri, String sha) throws Exception {
        return loader.submit(new PolicyRef(version, uri, sha)).get(60, TimeUnit.SECONDS);
    }

    private double refused() {
        return registry.get(PolicyLoader.REFUSED_METRIC).counter().count();
    }

    /** A Feedloop checkpoint of the stories260K weights. */
    private Path writeCheckpoint(String name) {
        Path dir = tmp.resolve(name);
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = Llama2cCheckpoint.load(MODEL, m)) {
            CheckpointStore.write(dir, model.config(), new LinkedHashMap<>(model.weights()), TOKENIZER,
                    Map.of("policy_version", name));
        }
        assertTrue(Files.isRegularFile(dir.resolve(CheckpointStore.MANIFEST_FILE)));
        return dir;
    }
}
