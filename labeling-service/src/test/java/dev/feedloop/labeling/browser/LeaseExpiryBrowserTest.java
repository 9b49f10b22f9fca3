package dev.feedloop.labeling.browser;

import static dev.feedloop.labeling.Fixtures.id;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.labeling.TestKafka;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The lease running out in the page, with the tests' 3-second lease: the page says the task went
 * back to the queue, asks again, and, given the same task, keeps the work done on it. Ranking here
 * is by dragging (HTML5 drag events, as the browser dispatches them) and the move keys.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class LeaseExpiryBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("index.html")
    URL labelingPage;

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    private WebDriver driver;
    private String rolloutId;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (rolloutId != null) {
            OpenTasks.close(rolloutId);
        }
    }

    private WebElement card(String responseId) {
        return driver.findElement(By.cssSelector("#responses li[data-response-id='" + responseId + "']"));
    }

    /** Drags one card onto another: where = before (upper third), tie (middle) or after (lower third). */
    private void drag(String from, String onto, String where) {
        ((JavascriptExecutor) driver).executeScript("""
                const [source, target, where] = arguments;
                const data = new DataTransfer();
                source.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
                const r = target.getBoundingClientRect();
                const y = r.top + r.height * (where === 'before' ? 0.1 : where === 'tie' ? 0.5 : 0.9);
                for (const type of ['dragover', 'drop']) {
                  target.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data, clientY: y}));
                }
                source.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
                """, card(from), card(onto), where);
    }

    private List<String> order() {
        return driver.findElements(By.cssSelector("#responses li.response")).stream()
                .map(e -> e.getAttribute("data-response-id") + " " + e.findElement(By.cssSelector(".rank-badge")).getText()).toList();
    }

    @Test
    void whenTheLeaseRunsOutThePageSaysSoAsksAgainAndKeepsTheWork() {
        await().atMost(WAIT).until(replay::caughtUp);
        OpenTasks.closeAll(queue);
        String prompt = "Lease " + id("p");
        String r = id("r");
        RolloutGenerated.Builder rollout = RolloutGenerated.newBuilder().setEventId(id("ev")).setRolloutId(r)
                .setPromptId("prompt-" + r).setPromptText(prompt).setPolicyVersion(1).setSource(Source.CURATED)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()));
        for (int i = 0; i < 3; i++) {
            rollout.addResponses(Response.newBuilder().setResponseId(r + "/" + i).setText("response " + i)
                    .addTokenIds(i).addLogprobs(-1f).setFinishReason(FinishReason.EOS));
        }
        TestKafka.send(Topics.ROLLOUTS, "prompt-" + r, rollout.build());
        await().atMost(WAIT).until(() -> queue.rollout(r).isPresent());
        rolloutId = r;

        driver = Chromium.start();
        WebDriverWait waiting = new WebDriverWait(driver, WAIT);
        driver.get(labelingPage.toString());
        waiting.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("token-gina");
        driver.findElement(By.id("signin-button")).click();
        waiting.until(d -> prompt.equals(d.findElement(By.id("prompt")).getText()));

        // drag: 2 onto unranked 1 → 2 first; 0 onto the middle of 2 → tied; 1 below 2 → second
        drag(r + "/2", r + "/1", "after");
        drag(r + "/0", r + "/2", "tie");
        drag(r + "/1", r + "/2", "after");
        assertEquals(List.of(r + "/2 1st (tie)", r + "/0 1st (tie)", r + "/1 2nd"), order());
        // keys: ] takes 0 out of the tie, below 2; [ moves 1 above 0
        ((JavascriptExecutor) driver).executeScript("arguments[0].focus()", card(r + "/0"));
        new Actions(driver).sendKeys("]").perform();
        ((JavascriptExecutor) driver).executeScript("arguments[0].focus()", card(r + "/1"));
        new Actions(driver).sendKeys("[").perform();
        List<String> ranked = List.of(r + "/2 1st", r + "/1 2nd", r + "/0 3rd");
        assertEquals(ranked, order());

        // the 3 s lease runs out: said on the page, asked again, the same task comes back with the work kept
        waiting.until(d -> d.findElement(By.id("notice")).getText().startsWith("Your lease on this task ran out"));
        waiting.until(d -> d.findElement(By.id("lease")).getText().matches("lease 0:0[1-3]"));
        assertEquals(ranked, order());
        assertTrue(queue.openTasks().stream().anyMatch(t -> t.taskId().equals(r)), "the task was handed back, not lost");

        driver.findElement(By.id("submit")).click();
        waiting.until(d -> d.findElement(By.id("notice")).getText().equals("Submitted: 1 piece of feedback recorded."));
        List<FeedbackRecorded> events = TestKafka.readAll(Topics.FEEDBACK).stream()
                .map(rec -> ProtobufDeserializer.parse(FeedbackRecorded.parser(), rec.value(), rec.headers()))
                .filter(e -> e.getRolloutId().equals(r)).toList();
        assertEquals(1, events.size());
        assertEquals("gina", events.get(0).getAnnotator());
        assertEquals(List.of(List.of(r + "/2"), List.of(r + "/1"), List.of(r + "/0")),
                events.get(0).getRanking().getTiersList().stream().map(Tier::getResponseIdsList).toList());
    }
}
