package io.triagebot.deep.render;

import java.awt.Color;

/** The same flame graph as {@link FlameGraphSvg}, as a PNG for chat clients that show images inline. */
public final class FlameGraphPng {

    private FlameGraphPng() {
    }

    public static byte[] render(FlameGraph graph, String title, String subtitle) {
        int width = FlameGraphSvg.WIDTH;
        int height = FlameGraphSvg.height(graph);
        int frame = FlameGraphSvg.FRAME_HEIGHT;
        double scale = (width - 2.0 * FlameGraphSvg.SIDE) / Math.max(1, graph.total());
        return Png.draw(width, height, title, subtitle, g -> {
            for (FlameGraph.Box b : graph.boxes()) {
                double x = FlameGraphSvg.SIDE + b.start() * scale;
                double w = b.weight() * scale;
                int y = height - FlameGraphSvg.BOTTOM - (b.depth() + 1) * frame;
                int[] c = Palette.rgb(b.name(), b.kind());
                g.setColor(new Color(c[0], c[1], c[2]));
                g.fill(new java.awt.geom.Rectangle2D.Double(x, y, Math.max(w, 0.5), frame - 1));
                String label = w >= 20 ? Png.fit(g, b.name(), w - 6) : "";
                if (!label.isEmpty()) {
                    g.setColor(Color.BLACK);
                    g.drawString(label, (float) (x + 3), y + 11.5f);
                }
            }
        });
    }
}
