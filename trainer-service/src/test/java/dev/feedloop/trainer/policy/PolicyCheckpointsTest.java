package dev.feedloop.trainer.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.ml.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restart resumes from after a SIGKILL: only whole version directories count. */
class PolicyCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void theNewestWholeVersionWinsAndLeftoversOfAnInterruptedWriteAreIgnored() throws Exception {
        PolicyCheckpoints checkpoints = new PolicyCheckpoints(dir, Path.of("unused"));
        assertTrue(checkpoints.latest().isEmpty(), "an empty directory means: start from the base");

        Files.createDirectories(dir.resolve("v000002"));
        Files.writeString(dir.resolve("v000002").resolve(CheckpointStore.MANIFEST_FILE), "{}");
        Files.createDirectories(dir.resolve("v000010"));
        Files.writeString(dir.resolve("v000010").resolve(CheckpointStore.MANIFEST_FILE), "{}");
        // killed while CheckpointStore.write assembled version 11 under its temporary name
        Files.createDirectories(dir.resolve(".v000011.tmp-0b6f"));
        Files.writeString(dir.resolve(".v000011.tmp-0b6f").resolve(CheckpointStore.MANIFEST_FILE), "{}");
        // a directory without its manifest is not a checkpoint
        Files.createDirectories(dir.resolve("v000012"));
        Files.writeString(dir.resolve("notes.txt"), "x");

        assertEquals(dir.resolve("v000010"), checkpoints.latest().orElseThrow(), "numeric order, not text order");
        assertEquals(dir.resolve("v000011"), checkpoints.location(11));
        assertEquals(10, PolicyCheckpoints.versionOf(dir.resolve("v000010")));
    }
}
