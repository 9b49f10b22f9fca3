package dev.feedloop.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's report into {@code runs/<timestamp>/}: {@code metrics.json} (everything),
 * {@code policies.csv} (one row per policy version), {@code reward-models.csv} (one row per
 * reward-model version) and {@code report.html}: a self-contained page (inline SVG, no script, font
 * or style from any other host) with the plots: reward and KL per policy version, reward-model
 * held-out accuracy per version, and the hidden preference's win rate of each version against the
 * base policy.
 */
public final class RunReport {

    /**
     * One policy version's row: its metrics from PolicyPublished, its measured win rate (null if not
     * measured) and its lineage ({@code topic/partition/from-to}, inclusive offset ranges it trained on).
     */
    public record PolicyRow(long version, double secondsSinceStart, long rewardModelVersion, double meanReward,
                            double kl, double clipFraction, WinRate winRate, List<String> lineage) {}

    /** One reward-model version's row. */
    public record RewardModelRow(long version, double secondsSinceStart, double heldOutAccuracy, int heldOutPairs) {}

    /** The whole report. */
    public record Report(String runId, String startedAt, double durationSeconds, Map<String, Object> settings,
                         List<PolicyRow> policies, List<RewardModelRow> rewardModels,
                         Map<String, Long> feedbackByKind, Map<String, Long> feedbackBySource,
                         LoopState.Snapshot last) {}

    private RunReport() {}

    /** Writes the four files into {@code dir} (created). */
    public static void write(Path dir, Report report) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.valueToTree(report);
        json.writeValue(dir.resolve("metrics.json").toFile(), root);
        Files.writeString(dir.resolve("policies.csv"), policiesCsv(report.policies()), StandardCharsets.UTF_8);
        StringBuilder rm = new StringBuilder("version,seconds_since_start,heldout_accuracy,heldout_pairs\n");
        for (RewardModelRow r : report.rewardModels()) {
            rm.append(r.version()).append(',').append(num(r.secondsSinceStart())).append(',')
                    .append(num(r.heldOutAccuracy())).append(',').append(r.heldOutPairs()).append('\n');
        }
        Files.writeString(dir.resolve("reward-models.csv"), rm, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(report), StandardCharsets.UTF_8);
    }

    static String policiesCsv(List<PolicyRow> rows) {
        StringBuilder sb = new StringBuilder(
                "version,seconds_since_start,reward_model_version,mean_reward,kl,clipfrac,win_rate,win_rate_lower95,win_rate_upper95,win_rate_pairs\n");
        for (PolicyRow r : rows) {
            WinRate w = r.winRate();
            sb.append(r.version()).append(',').append(num(r.secondsSinceStart())).append(',')
                    .append(r.rewardModelVersion()).append(',').append(num(r.meanReward())).append(',')
                    .append(num(r.kl())).append(',').append(num(r.clipFraction())).append(',')
                    .append(w == null ? "" : num(w.winRate())).append(',')
                    .append(w == null ? "" : num(w.lower95())).append(',')
                    .append(w == null ? "" : num(w.upper95())).append(',')
                    .append(w == null ? "" : Integer.toString(w.comparisons())).append('\n');
        }
        return sb.toString();
    }

    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    static String html(Report r) {
        List<double[]> reward = new ArrayList<>();
        List<double[]> kl = new ArrayList<>();
        List<double[]> win = new ArrayList<>();
        for (PolicyRow p : r.policies()) {
            reward.add(new double[] {p.version(), p.meanReward()});
            kl.add(new double[] {p.version(), p.kl()});
            if (p.winRate() != null) {
                win.add(new double[] {p.version(), p.winRate().winRate()});
            }
        }
        List<double[]> accuracy = new ArrayList<>();
        for (RewardModelRow m : r.rewardModels()) {
            accuracy.add(new double[] {m.version(), m.heldOutAccuracy()});
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feedloop run ")
                .append(escape(r.runId())).append("</title><style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}"
                + "svg{background:#fafafa;border:1px solid #ddd;margin:0 1em 1em 0}td,th{padding:2px 8px;text-align:right}"
                + "table{border-collapse:collapse}tr:nth-child(even){background:#f3f3f3}</style></head><body>");
        sb.append("<h1>Feedloop run ").append(escape(r.runId())).append("</h1><p>Started ").append(escape(r.startedAt()))
                .append(", ").append(String.format(Locale.ROOT, "%.0f", r.durationSeconds())).append(" s. Settings: ")
                .append(escape(r.settings().toString())).append("</p>");
        sb.append(chart("Mean reward per policy version", "policy version", reward, Double.NaN, Double.NaN));
        sb.append(chart("KL(policy ‖ reference) per policy version", "policy version", kl, 0, Double.NaN));
        sb.append(chart("Reward model held-out accuracy", "reward-model version", accuracy, 0.5, 1));
        sb.append(chart("Hidden-preference win rate vs the base policy", "policy version", win, 0, 1));
        sb.append("<h2>Policy versions</h2><table><tr><th>version</th><th>s</th><th>RM version</th><th>mean reward</th>"
                + "<th>KL</th><th>clipfrac</th><th>win rate [95% CI]</th></tr>");
        for (PolicyRow p : r.policies()) {
            WinRate w = p.winRate();
            sb.append("<tr><td>").append(p.version()).append("</td><td>").append(num(p.secondsSinceStart()))
                    .append("</td><td>").append(p.rewardModelVersion()).append("</td><td>").append(num(p.meanReward()))
                    .append("</td><td>").append(num(p.kl())).append("</td><td>").append(num(p.clipFraction()))
                    .append("</td><td>").append(w == null ? "" : String.format(Locale.ROOT, "%.3f [%.3f, %.3f] n=%d",
                            w.winRate(), w.lower95(), w.upper95(), w.comparisons())).append("</td></tr>");
        }
        sb.append("</table><h2>Feedback</h2><p>by kind: ").append(escape(r.feedbackByKind().toString()))
                .append("; by source: ").append(escape(r.feedbackBySource().toString())).append("</p></body></html>\n");
        return sb.toString();
    }

    /** A line chart as inline SVG; NaN bounds are taken from the data. Points with NaN y are skipped. */
    static String chart(String title, String xLabel, List<double[]> points, double yMin, double yMax) {
        int w = 460;
        int h = 260;
        int left = 50;
        int bottom = 40;
        List<double[]> pts = points.stream().filter(p -> Double.isFinite(p[1])).toList();
        StringBuilder sb = new StringBuilder();
        sb.append("<svg width=\"").append(w).append("\" height=\"").append(h).append("\" role=\"img\" aria-label=\"")
                .append(escape(title)).append("\"><text x=\"10\" y=\"18\" font-weight=\"bold\">").append(escape(title)).append("</text>");
        if (pts.isEmpty()) {
            return sb.append("<text x=\"").append(left).append("\" y=\"").append(h / 2).append("\">no data</text></svg>").toString();
        }
        double x0 = pts.stream().mapToDouble(p -> p[0]).min().orElse(0);
        double x1 = pts.stream().mapToDouble(p -> p[0]).max().orElse(1);
        double y0 = Double.isNaN(yMin) ? pts.stream().mapToDouble(p -> p[1]).min().orElse(0) : Math.min(yMin, pts.stream().mapToDouble(p -> p[1]).min().orElse(yMin));
        double y1 = Double.isNaN(yMax) ? pts.stream().mapToDouble(p -> p[1]).max().orElse(1) : Math.max(yMax, pts.stream().mapToDouble(p -> p[1]).max().orElse(yMax));
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        int plotW = w - left - 20;
        int plotH = h - bottom - 30;
        sb.append("<line x1=\"").append(left).append("\" y1=\"").append(30 + plotH).append("\" x2=\"").append(left + plotW)
                .append("\" y2=\"").append(30 + plotH).append("\" stroke=\"#999\"/>");
        sb.append("<line x1=\"").append(left).append("\" y1=\"30\" x2=\"").append(left).append("\" y2=\"").append(30 + plotH)
                .append("\" stroke=\"#999\"/>");
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.3g</text>", 34, y1));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.3g</text>", 30 + plotH, y0));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s (%.0f … %.0f)</text>",
                left, h - 10, escape(xLabel), x0, x1));
        StringBuilder line = new StringBuilder();
        for (double[] p : pts) {
            double x = left + (p[0] - x0) / (x1 - x0) * plotW;
            double y = 30 + plotH - (p[1] - y0) / (y1 - y0) * plotH;
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"><title>%.0f: %.4g</title></circle>",
                    x, y, p[0], p[1]));
        }
        sb.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"").append(line.toString().trim()).append("\"/>");
        return sb.append("</svg>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
