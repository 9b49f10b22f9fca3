package dev.feedloop.reward.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardWorkerPathsTest {

    @Test
    void theNextVersionFollowsTheHighestVersionDirectory(@TempDir Path dir) throws Exception {
        assertEquals(0, RewardWorker.highestDirectory(dir.resolve("missing")));
        Files.createDirectories(dir.resolve("v2"));
        Files.createDirectories(dir.resolve("v10"));
        Files.createDirectories(dir.resolve(".v11.tmp-1234"));  // an interrupted write
        Files.createDirectories(dir.resolve("notes"));
        assertEquals(10, RewardWorker.highestDirectory(dir));
    }

    @Test
    void checkpointUrisAndPlainPathsBothResolve(@TempDir Path dir) {
        Path v3 = dir.resolve("v3");
        assertEquals(v3, RewardWorker.checkpointPath(v3.toUri().toString()));
        assertEquals(v3, RewardWorker.checkpointPath(v3.toString()));
    }
}
