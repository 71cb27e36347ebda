package io.triagebot.deep.render;

import io.triagebot.deep.fold.Histogram;
import java.util.List;
import java.util.Locale;

/** A histogram as text bars (fixed width, for a code block) and as bars for the PNG. */
public final class HistogramReport {

    static final int BAR = 40;

    private HistogramReport() {
    }

    public static String render(Histogram h, String weight) {
        StringBuilder s = new StringBuilder();
        long total = h.total();
        long max = h.buckets().stream().mapToLong(Histogram.Bucket::count).max().orElse(0);
        String unit = h.unit() == null ? "" : " " + h.unit();
        s.append(String.format(Locale.ROOT, "%,d %s; median in %s%s, 90th percentile in %s%s, 99th in %s%s%n",
                total, weight, h.quantileLabel(0.5), unit, h.quantileLabel(0.9), unit, h.quantileLabel(0.99), unit));
        int labelWidth = h.buckets().stream().mapToInt(b -> b.label().length()).max().orElse(4);
        for (Histogram.Bucket b : h.buckets()) {
            int n = max == 0 ? 0 : (int) Math.round((double) b.count() / max * BAR);
            if (n == 0 && b.count() > 0) {
                n = 1;
            }
            s.append(String.format(Locale.ROOT, "%-" + labelWidth + "s %10d %6s |%-" + BAR + "s|%n", b.label(),
                    b.count(), Percent.of(b.count(), total), "#".repeat(n)));
        }
        return s.toString();
    }

    public static List<BarChartPng.Bar> bars(Histogram h) {
        String unit = h.unit() == null ? "" : " " + shortUnit(h.unit());
        return h.buckets().stream().map(b -> new BarChartPng.Bar(b.label() + unit, b.count())).toList();
    }

    private static String shortUnit(String unit) {
        return switch (unit) {
            case "microseconds" -> "us";
            case "nanoseconds" -> "ns";
            case "milliseconds" -> "ms";
            default -> unit;
        };
    }
}
