package dev.feedloop.labeling.browser;

import static dev.feedloop.labeling.Fixtures.id;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.kafka.SharedKafka;
import dev.feedloop.labeling.TestKafka;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The labeling page and the dashboard in real headless Chromium, served by the service on its random
 * test port, against the real embedded broker. What a person does in the page must come out as
 * exactly the FeedbackRecorded events it means, read back from the topic with a plain consumer.
 *
 * <p>Each test signs in as an annotator no other test uses (dana, erin, frank) and its rollouts'
 * tasks are closed after it, so no test sees another's tasks. The tests' lease is 3 s: the page
 * takes the same task again each time it runs out, keeping the work on it (LeaseExpiryBrowserTest),
 * so these tests also show that a lease running out mid-task loses nothing. (No test profile of its
 * own: a second Quarkus start in one JVM costs time and, with gRPC, breaks class loading.)
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class BrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static WebDriver driver;
    /** Rollouts this test published: their tasks are closed after it, so no later test gets them. */
    private final List<String> published = new ArrayList<>();

    @TestHTTPResource("index.html")
    URL labelingPage;

    @TestHTTPResource("dashboard.html")
    URL dashboardPage;

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    @BeforeAll
    static void startBrowser() {
        driver = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void replayedAndSignedOut() {
        await().atMost(WAIT).until(replay::caughtUp);
        OpenTasks.closeAll(queue);
        // a page without scripts of the same origin: the labeling page would sign in again with the stored token
        driver.get(labelingPage.toString().replace("index.html", "app.css"));
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    }

    /** Every resource the page loaded came from the service itself: no CDN, no other host. */
    private void loadedNothingFromAnotherHost() {
        String origin = labelingPage.getProtocol() + "://" + labelingPage.getAuthority() + "/";
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)");
        assertFalse(loaded.isEmpty());
        for (String url : loaded) {
            assertTrue(url.startsWith(origin), url + " is not from " + origin);
        }
    }

    /** The page's error fields, for failure messages. */
    private String pageErrors() {
        return driver.findElements(By.cssSelector(".error, #notice, #submit-status")).stream()
                .map(e -> e.getAttribute("id") + "=" + e.getAttribute("textContent")).collect(Collectors.joining("; "));
    }

    /** What the page's keyboard handler saw, for failure messages. */
    private String keyLog() {
        return String.valueOf(((JavascriptExecutor) driver).executeScript("return JSON.stringify(window.__keys || [])"));
    }

    // ---------- helpers ----------

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    private RolloutGenerated published(String prompt, List<String> texts) {
        String r = id("r");
        published.add(r);
        RolloutGenerated.Builder rollout = RolloutGenerated.newBuilder().setEventId(id("ev")).setRolloutId(r)
                .setPromptId("prompt-" + r).setPromptText(prompt).setPolicyVersion(1).setSource(Source.CURATED)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()));
        for (int i = 0; i < texts.size(); i++) {
            rollout.addResponses(Response.newBuilder().setResponseId(r + "/" + i).setText(texts.get(i))
                    .addTokenIds(i).addLogprobs(-1f).setFinishReason(FinishReason.EOS));
        }
        RolloutGenerated event = rollout.build();
        TestKafka.send(Topics.ROLLOUTS, event.getPromptId(), event);
        await().atMost(WAIT).until(() -> queue.rollout(r).isPresent());
        return event;
    }

    private void signIn(String token) {
        driver.get(labelingPage.toString());
        WebElement field = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.clear();
        field.sendKeys(token);
        driver.findElement(By.id("signin-button")).click();
    }

    /** The page shows this task: its prompt is on screen. */
    private void showsTask(String prompt) {
        waiting().until(d -> prompt.equals(d.findElement(By.id("prompt")).getText()));
    }

    private WebElement card(String responseId) {
        return driver.findElement(By.cssSelector("#responses li[data-response-id='" + responseId + "']"));
    }

    /** Focuses a response card (as a click does) and types keys into the page. */
    private void keysOn(String responseId, CharSequence... keys) {
        ((JavascriptExecutor) driver).executeScript("if (!window.__keys) { window.__keys = [];"
                + " document.addEventListener('keydown', e => window.__keys.push([e.key, e.code, e.shiftKey])); }"
                + " arguments[0].focus()", card(responseId));
        new Actions(driver).sendKeys(keys).perform();
    }

    private static List<FeedbackRecorded> feedbackOn(String rolloutId) {
        return TestKafka.readAll(Topics.FEEDBACK).stream()
                .map(r -> ProtobufDeserializer.parse(FeedbackRecorded.parser(), r.value(), r.headers()))
                .filter(e -> e.getRolloutId().equals(rolloutId)).toList();
    }

    @AfterEach
    void closeTheTestsTasks() {
        published.forEach(OpenTasks::close);
    }

    private String text(String elementId) {
        return driver.findElement(By.id(elementId)).getText();
    }

    // ---------- tests ----------

    @Test
    void anAnnotatorRanksScoresAndFlagsATaskAndExactlyThatArrivesOnTheBroker() throws Exception {
        String prompt = "Tell a story about a cat " + id("p");
        String longText = "Line one of a long story.\n\n    indented line, spaces kept\n" + "More of the story. ".repeat(60);
        RolloutGenerated rollout = published(prompt, List.of("The cat sat.", "The cat sat. The cat sat. The cat sat.",
                "A curious cat found a red ball and chased it all afternoon.", longText));
        String r = rollout.getRolloutId();

        signIn("token-dana");
        showsTask(prompt);
        assertEquals("signed in as dana", text("whoami"));
        waiting().until(d -> Integer.parseInt(text("stats-waiting")) >= 1);
        assertEquals("0", text("stats-done"));
        assertTrue(text("lease").matches("lease 0:0\\d|lease ran out"), text("lease"));
        assertEquals(4, driver.findElements(By.cssSelector("#responses li.response")).size());

        // the long response is folded, its whitespace and newlines kept
        WebElement longCard = card(r + "/3").findElement(By.cssSelector(".response-text"));
        assertTrue(longCard.getAttribute("class").contains("folded"));
        assertEquals(longText, longCard.getAttribute("textContent"));
        keysOn(r + "/3", "e");
        waiting().until(d -> !card(r + "/3").findElement(By.cssSelector(".response-text")).getAttribute("class").contains("folded"));

        // rank best to worst with the keys, with a tie for second: 2 > 0 = 3 > 1
        keysOn(r + "/2", "1");
        keysOn(r + "/0", "2");
        keysOn(r + "/3", "2");
        keysOn(r + "/1", "3");
        assertEquals("1st", card(r + "/2").findElement(By.cssSelector(".rank-badge")).getText());
        assertEquals("2nd (tie)", card(r + "/3").findElement(By.cssSelector(".rank-badge")).getText());
        assertEquals(List.of(r + "/2", r + "/0", r + "/3", r + "/1"), driver.findElements(By.cssSelector("#responses li.response"))
                .stream().map(e -> e.getAttribute("data-response-id")).toList(), "cards are shown in ranked order");

        // scores: Shift+digit on the focused response, or a click
        keysOn(r + "/0");
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys("5").keyUp(Keys.SHIFT).perform();
        card(r + "/2").findElement(By.cssSelector("button.score[data-score='7']")).click();
        card(r + "/3").findElement(By.cssSelector("button.score[data-score='5']")).click();
        card(r + "/1").findElement(By.cssSelector("button.score[data-score='2']")).click();
        waiting().withMessage(this::keyLog).until(d -> card(r + "/0").findElement(By.cssSelector("button.score[data-score='5']"))
                .getAttribute("class").contains("chosen"));

        // flag response 1 with f, choose the category; a comment
        keysOn(r + "/1", "f");
        new Select(driver.findElement(By.id("flag-category"))).selectByValue("harmful");
        assertEquals(r + "/1", new Select(driver.findElement(By.id("flag-response"))).getFirstSelectedOption().getAttribute("value"));
        driver.findElement(By.id("comment")).sendKeys("B only repeats itself");

        loadedNothingFromAnotherHost();
        Path screenshot = Chromium.screenshot(driver, "labeling");
        assertTrue(Files.size(screenshot) > 0);

        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();  // submit
        waiting().withMessage(this::pageErrors).until(d -> text("notice").equals("Submitted: 6 pieces of feedback recorded."));

        // exactly one ranking, four scores and one flag, each with its own client-chosen event id
        List<FeedbackRecorded> events = feedbackOn(r);
        assertEquals(6, events.size(), events.toString());
        assertEquals(6, events.stream().map(FeedbackRecorded::getEventId).collect(Collectors.toSet()).size());
        for (FeedbackRecorded e : events) {
            assertEquals("dana", e.getAnnotator());
            assertEquals(Source.ANNOTATOR, e.getSource());
            assertEquals(r, e.getTaskId());
            assertEquals(rollout.getPromptId(), e.getPromptId());
            assertTrue(e.getEventId().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), e.getEventId());
        }
        FeedbackRecorded ranking = events.stream().filter(FeedbackRecorded::hasRanking).findFirst().orElseThrow();
        assertEquals(List.of(List.of(r + "/2"), List.of(r + "/0", r + "/3"), List.of(r + "/1")),
                ranking.getRanking().getTiersList().stream().map(Tier::getResponseIdsList).toList());
        assertEquals("B only repeats itself", ranking.getComment());
        Map<String, Integer> scores = new TreeMap<>();
        events.stream().filter(FeedbackRecorded::hasScore).forEach(e -> scores.put(e.getScore().getResponseId(), e.getScore().getValue()));
        assertEquals(Map.of(r + "/0", 5, r + "/1", 2, r + "/2", 7, r + "/3", 5), scores);
        List<FeedbackRecorded> flags = events.stream().filter(FeedbackRecorded::hasFlag).toList();
        assertEquals(1, flags.size());
        assertEquals(r + "/1", flags.get(0).getFlag().getResponseId());
        assertEquals("harmful", flags.get(0).getFlag().getCategory());

        // the counts moved, and dana's history holds her six events and nobody else's
        waiting().until(d -> "1".equals(text("stats-done")));
        await().atMost(WAIT).until(() -> queue.feedbackCount() > 0
                && given().header("Authorization", "Bearer token-dana").get("/api/v1/history").jsonPath().getList("entries").size() == 6);
        new Actions(driver).sendKeys("h").perform();
        waiting().until(d -> d.findElements(By.cssSelector("#history tbody tr")).size() == 6);
        assertTrue(driver.findElement(By.id("history")).getText().contains(r + "/2 > " + r + "/0 = " + r + "/3 > " + r + "/1"));

    }

    @Test
    void anIncompleteRankingShowsItsErrorBesideTheFieldAndProducesNoEvent() {
        String prompt = "Incomplete " + id("p");
        String r = published(prompt, List.of("one", "two", "three", "four")).getRolloutId();
        signIn("token-erin");
        showsTask(prompt);

        keysOn(r + "/1", "1");
        keysOn(r + "/0", "2");
        driver.findElement(By.id("submit")).click();
        waiting().until(d -> !text("ranking-error").isEmpty());
        assertEquals("Rank every response before submitting: 2 of 4 not ranked (C, D).", text("ranking-error"));

        // rank the rest, but a comment over the service's limit (100 in tests): its reason beside the comment
        keysOn(r + "/2", "3");
        keysOn(r + "/3", "3");
        driver.findElement(By.id("comment")).sendKeys("x".repeat(101));
        driver.findElement(By.id("submit")).click();
        waiting().until(d -> !text("comment-error").isEmpty());
        assertTrue(text("comment-error").startsWith("comment is 101 characters; the limit is 100"), text("comment-error"));
        assertEquals("", text("ranking-error"));

        assertEquals(List.of(), feedbackOn(r), "nothing was recorded");
        assertTrue(queue.openTasks().stream().anyMatch(t -> t.taskId().equals(r) && t.labeledBy().isEmpty()));

        // skip hands the task back at once, to someone else: erin has nothing left
        driver.findElement(By.id("comment")).sendKeys(Keys.ESCAPE);
        new Actions(driver).sendKeys("s").perform();
        waiting().until(d -> text("notice").startsWith("Skipped"));
        waiting().until(d -> d.findElement(By.id("no-task")).isDisplayed());
        assertEquals("0", text("stats-waiting"));
        assertEquals(r, queue.next("carol", Instant.now()).orElseThrow().taskId());
        assertEquals(List.of(), feedbackOn(r));
    }

    @Test
    void aResponseContainingHtmlOrAScriptShowsAsTextAndNothingRuns() {
        String prompt = "<h1 id=\"injected\">Title</h1> & <b>bold</b> " + id("p");
        String script = "<script>window.__pwned = true; alert('xss')</script>";
        String img = "<img src=x onerror=\"window.__pwned = true; alert('img')\"> <b>not bold</b>";
        String r = published(prompt, List.of(script, img, "plain", "<!-- comment --> &amp; &lt;")).getRolloutId();
        signIn("token-frank");
        showsTask(prompt);

        assertEquals(script, card(r + "/0").findElement(By.cssSelector(".response-text")).getText());
        assertEquals(img, card(r + "/1").findElement(By.cssSelector(".response-text")).getText());
        assertEquals("<!-- comment --> &amp; &lt;", card(r + "/3").findElement(By.cssSelector(".response-text")).getText());
        assertTrue(driver.findElements(By.cssSelector("#responses script, #responses img, #responses b, #injected, #prompt b")).isEmpty(),
                "no element was made from the data");
        assertEquals(true, ((JavascriptExecutor) driver).executeScript("return window.__pwned === undefined"));
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    }

    @Test
    void aWrongTokenSeesTheSignInError() {
        signIn("not-a-token");
        waiting().until(d -> !text("signin-error").isEmpty());
        assertEquals("That token is not valid. Check it and try again.", text("signin-error"));
        assertFalse(driver.findElement(By.id("task")).isDisplayed());
        assertTrue(driver.findElement(By.id("token")).isDisplayed());
    }

    @Test
    void theAdminTokenSeesAgreementBetweenAnnotators() {
        String r = published("Agreement " + id("p"), List.of("a", "b", "c")).getRolloutId();
        // alice 0 > 1 > 2, bob 1 > 0 > 2: pairs (0,1) disagree, (0,2) and (1,2) agree
        for (String[] ranking : new String[][] {{"token-alice", "0", "1"}, {"token-bob", "1", "0"}}) {
            given().header("Authorization", "Bearer " + ranking[0]).contentType(ContentType.JSON)
                    .body("{\"eventId\":\"%s\",\"rolloutId\":\"%s\",\"ranking\":{\"tiers\":[[\"%s/%s\"],[\"%s/%s\"],[\"%s/2\"]]}}"
                            .formatted(id("e"), r, r, ranking[1], r, ranking[2], r))
                    .when().post("/api/v1/feedback").then().statusCode(200);
        }
        given().header("Authorization", "Bearer token-alice").get("/api/v1/agreement").then().statusCode(403);

        signIn("token-admin");
        waiting().until(d -> d.findElement(By.id("admin")).isDisplayed());
        assertEquals("signed in as admin (admin)", text("whoami"));
        WebElement pair = waiting().until(d -> d.findElements(By.cssSelector("#agreement-pairs tbody tr")).stream()
                .filter(tr -> tr.getText().startsWith("alice · bob")).findFirst().orElse(null));
        assertTrue(pair.getText().matches("alice · bob \\d+ \\d+ \\d+\\.\\d %"), pair.getText());
        assertTrue(text("agreement-overall").endsWith("%"), text("agreement-overall"));
        assertFalse(driver.findElement(By.id("task")).isDisplayed(), "the admin does not label");
    }

    @Test
    void theDashboardShowsAPublishedPolicyVersionAndUpdatesWithoutReloading() throws Exception {
        long version = 9000 + (System.nanoTime() % 500);
        TestKafka.send(Topics.REWARD_MODELS, Topics.REWARD_MODEL_KEY, RewardModelPublished.newBuilder().setEventId(id("e"))
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 60))
                .setVersion(5).setHeldoutAccuracy(0.72).setHeldoutPairs(250).setCheckpointUri("file:/ckpt/rm-5")
                .putMetrics("reward/margin", 0.8).build());
        TestKafka.send(Topics.POLICIES, Topics.POLICY_KEY, policy(version, 0.05, 0.40));
        TestKafka.send(Topics.POLICIES, Topics.POLICY_KEY, policy(version + 1, 0.12, 0.55));

        driver.get(dashboardPage.toString());
        waiting().until(d -> ("v" + (version + 1)).equals(text("policy-version")));
        assertEquals("v" + version, text("policy-parent"));
        assertEquals("v5", text("policy-rm"));
        assertTrue(text("rm-current").startsWith("v5 · held-out accuracy 0.72 on 250 pairs"), text("rm-current"));
        String lineage = text("lineage");
        assertTrue(lineage.contains("feedloop.rewards.v1 2 100–149 50"), lineage);
        assertTrue(lineage.contains("feedloop.feedback.v1 0 7–9 3"), lineage);
        for (String chart : List.of("chart-objective-kl", "chart-objective-scores", "chart-eval-win-rate", "chart-rm-accuracy",
                "chart-rm-reward-margin")) {
            assertFalse(driver.findElements(By.cssSelector("#" + chart + " svg")).isEmpty(), chart);
        }
        assertEquals(2, driver.findElements(By.cssSelector("#chart-objective-kl svg circle")).size(), "one point per version");
        waiting().until(d -> !d.findElements(By.cssSelector("#topics tr[data-topic='feedloop.feedback.v1']")).isEmpty());

        // a consumer group that committed offset 0 of the policies topic lags by every record in it
        String group = id("dashboard-test");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(Topics.POLICIES, 0), new OffsetAndMetadata(0)));
        }
        waiting().until(d -> d.findElement(By.cssSelector("#topics tr[data-topic='feedloop.policies.v1']")).getText()
                .matches(".*" + group + ": ([2-9]|\\d{2,}).*"));
        assertFalse(driver.findElements(By.cssSelector("#policies tr[data-version='" + version + "']")).isEmpty());

        // a new version appears without a reload: a mark left on the window survives
        ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true");
        TestKafka.send(Topics.POLICIES, Topics.POLICY_KEY, policy(version + 2, 0.2, 0.61));
        waiting().until(d -> ("v" + (version + 2)).equals(text("policy-version")));
        assertEquals(true, ((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true"));

        loadedNothingFromAnotherHost();
        given().get("/api/v1/dashboard").then().statusCode(200).body("currentPolicy.version", equalTo((int) version + 2))
                .body("currentPolicy.lineage.size()", equalTo(2)).body("rewardModels[0].heldoutAccuracy", equalTo(0.72f));
        Path screenshot = Chromium.screenshot(driver, "dashboard");
        assertTrue(Files.size(screenshot) > 0);
    }

    private static PolicyPublished policy(long version, double kl, double winRate) {
        return PolicyPublished.newBuilder().setEventId(id("e"))
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 30 + (version % 10)))
                .setVersion(version).setParentVersion(version - 1).setRewardModelVersion(5)
                .setCheckpointUri("file:/ckpt/policy-" + version).setSha256("ab".repeat(32))
                .addLineage(OffsetRange.newBuilder().setTopic(Topics.REWARDS).setPartition(2).setFromOffset(100).setToOffset(149))
                .addLineage(OffsetRange.newBuilder().setTopic(Topics.FEEDBACK).setPartition(0).setFromOffset(7).setToOffset(9))
                .putMetrics("objective/kl", kl).putMetrics("objective/scores", 1.0 + kl * 10)
                .putMetrics("eval/win_rate", winRate).build();
    }
}
