package io.triagebot.deep.render;

import java.awt.Color;
import java.util.List;
import java.util.Locale;

/** A horizontal bar chart PNG: one labelled bar per row, for histograms and count tables. */
public final class BarChartPng {

    /** One bar. */
    public record Bar(String label, long value) {
    }

    static final int WIDTH = 900;
    static final int ROW = 18;
    static final int TOP = 56;
    static final int LABEL_WIDTH = 300;
    static final int VALUE_WIDTH = 110;
    /** Rows drawn at most; the caller merges the rest. */
    public static final int MAX_ROWS = 60;

    private BarChartPng() {
    }

    public static byte[] render(String title, String subtitle, List<Bar> bars) {
        List<Bar> rows = bars.size() > MAX_ROWS ? bars.subList(0, MAX_ROWS) : bars;
        long max = rows.stream().mapToLong(Bar::value).max().orElse(1);
        int height = TOP + Math.max(1, rows.size()) * ROW + 16;
        return Png.draw(WIDTH, height, title, subtitle, g -> {
            int barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
            for (int i = 0; i < rows.size(); i++) {
                Bar b = rows.get(i);
                int y = TOP + i * ROW;
                g.setColor(Color.BLACK);
                String label = Png.fit(g, b.label(), LABEL_WIDTH - 10);
                g.drawString(label, LABEL_WIDTH - 5 - g.getFontMetrics().stringWidth(label), y + 12);
                int w = max <= 0 ? 0 : (int) Math.round((double) b.value() / max * barSpace);
                g.setColor(new Color(0xe6, 0x7e, 0x22));
                g.fillRect(LABEL_WIDTH, y + 2, Math.max(w, b.value() > 0 ? 1 : 0), ROW - 4);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%,d", b.value()), LABEL_WIDTH + w + 6, y + 12);
            }
        });
    }
}
