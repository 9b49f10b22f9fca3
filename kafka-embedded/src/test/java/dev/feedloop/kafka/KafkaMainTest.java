package dev.feedloop.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaMainTest {

    @Test
    void printsReadyAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                KafkaMain.class.getName(), "--port", "0", "--data", dir.resolve("kafka").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("KAFKA READY 127.0.0.1:"), String.valueOf(ready));
            String bootstrap = ready.substring("KAFKA READY ".length());
            EmbeddedKafkaTest.produce(bootstrap, dev.feedloop.contracts.Topics.PROMPTS, "k", "v");

            // Process.destroy() would also send SIGTERM but closes our end of stdout first.
            new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped within 60 s");
            assertEquals("KAFKA STOPPED", out.readLine());
        } finally {
            process.destroyForcibly();
        }
        assertEquals(143, process.exitValue(), "exit status of a JVM ended by SIGTERM");
        assertTrue(Files.exists(dir.resolve("kafka/log/meta.properties")));
    }
}
