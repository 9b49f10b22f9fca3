package dev.feedloop.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @Test
    void writesJsonCsvAndASelfContainedHtmlPage(@TempDir Path dir) throws IOException {
        WinRate w = new WinRate(0.625, 0.55, 0.69, 192, 0.9, 0.4);
        RunReport.Report report = new RunReport.Report("20261204-050000", "2026-12-04T05:00:00Z", 300,
                Map.of("policyVersions", 2),
                List.of(new RunReport.PolicyRow(1, 100, 1, 0.25, 0.5, 0.1, null, List.of("feedloop.rewards.v1/0/0-9")),
                        new RunReport.PolicyRow(2, 200, 2, 0.75, 1.5, 0.2, w, List.of("feedloop.rewards.v1/0/10-19"))),
                List.of(new RunReport.RewardModelRow(1, 80, 0.7, 120)),
                Map.of("ranking", 30L), Map.of("simulated", 30L),
                new LoopState.Snapshot(2, 1, 0.7, 0.5, 1.5, 1, 2, 10, 30, 10, 0));
        RunReport.write(dir, report);
        List<String> csv = Files.readAllLines(dir.resolve("policies.csv"));
        assertEquals(3, csv.size());
        assertEquals("1,100.000,1,0.250000,0.500000,0.100000,,,,", csv.get(1));
        assertEquals("2,200.000,2,0.750000,1.50000,0.200000,0.625000,0.550000,0.690000,192", csv.get(2));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals(0.625, json.path("policies").get(1).path("winRate").path("winRate").asDouble(), 1e-12);
        assertEquals(0.7, json.path("rewardModels").get(0).path("heldOutAccuracy").asDouble(), 1e-12);
        String html = Files.readString(dir.resolve("report.html"));
        assertEquals(4, html.split("<svg ").length - 1, "four plots");
        assertTrue(html.contains("0.625 [0.550, 0.690] n=192"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "nothing from another host");
    }

    @Test
    void textIsEscapedAndEmptyPlotsSayNoData() {
        assertEquals("&lt;script&gt;&amp;&quot;", RunReport.escape("<script>&\""));
        assertTrue(RunReport.chart("t", "x", List.of(), 0, 1).contains("no data"));
        assertTrue(RunReport.chart("t", "x", List.of(new double[] {1, Double.NaN}), 0, 1).contains("no data"));
    }
}
