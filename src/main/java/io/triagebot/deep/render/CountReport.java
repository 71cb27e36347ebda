package io.triagebot.deep.render;

import io.triagebot.deep.fold.CountTable;
import java.util.List;
import java.util.Locale;

/** A count table as text (largest first) and as bars for the PNG. */
public final class CountReport {

    static final int TOP = 20;

    private CountReport() {
    }

    public static String render(CountTable t, String weight) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%,d %s in %,d entries; the largest:%n", t.total(), weight, t.rows().size()));
        s.append(String.format(Locale.ROOT, "  %10s  %7s  %s%n", "count", "share", String.join(" | ", t.columns())));
        for (CountTable.Row r : t.rows().subList(0, Math.min(TOP, t.rows().size()))) {
            s.append(String.format(Locale.ROOT, "  %,10d  %7s  %s%n", r.count(), Percent.of(r.count(), t.total()),
                    String.join(" | ", r.key())));
        }
        return s.toString();
    }

    public static List<BarChartPng.Bar> bars(CountTable t) {
        return t.rows().stream().limit(BarChartPng.MAX_ROWS)
                .map(r -> new BarChartPng.Bar(String.join(" ", r.key()), r.count())).toList();
    }
}
