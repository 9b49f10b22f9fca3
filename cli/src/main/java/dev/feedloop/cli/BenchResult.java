package dev.feedloop.cli;

import java.util.Arrays;

/**
 * One benchmark figure: the median of its repeats, and the peer it is compared with in the same
 * run (null when it has none).
 *
 * @param model   "stories260K", "random-10M", or "machine"
 * @param name    what was measured, e.g. "decode b=16 kv-cache"
 * @param unit    "tokens/s", "GFLOP/s", "% MFU"
 * @param repeats every timed repeat (after warm-up), in run order
 * @param median  median of the repeats
 * @param peer    name of the figure this one is compared with, or null
 * @param ratio   median / peer's median, or NaN
 * @param note    a short remark (e.g. how many sequences stopped at EOS), or ""
 */
record BenchResult(String model, String name, String unit, double[] repeats, double median,
        String peer, double ratio, String note) {

    static BenchResult of(String model, String name, String unit, double[] repeats, String note) {
        return new BenchResult(model, name, unit, repeats, median(repeats), null, Double.NaN, note);
    }

    BenchResult comparedWith(BenchResult other) {
        return new BenchResult(model, name, unit, repeats, median, other.name, median / other.median, note);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
