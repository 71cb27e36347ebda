package io.triagebot.deep.render;

/**
 * An interactive, self-contained SVG flame graph: hover a frame for its name, weight and share (a
 * {@code <title>} tooltip and the details line), click it to zoom so it fills the width (its ancestors
 * stay, dimmed, below), click the root or "Reset zoom" to go back. The script is inline and the only
 * host-derived text is escaped ({@link Xml#escape}); the script reads names from the titles' text, never
 * as markup. Without scripts (an image viewer) it is a plain static flame graph.
 */
public final class FlameGraphSvg {

    static final int WIDTH = 1200;
    static final int FRAME_HEIGHT = 16;
    static final int SIDE = 10;
    static final int TOP = 52;
    static final int BOTTOM = 30;
    /** Average width of a character of the 12 px font, for fitting labels into boxes. */
    static final double CHAR_WIDTH = 7.0;

    private FlameGraphSvg() {
    }

    public static int height(FlameGraph graph) {
        return TOP + (graph.maxDepth() + 1) * FRAME_HEIGHT + BOTTOM;
    }

    /**
     * @param title e.g. "CPU profile of db-3"
     * @param subtitle e.g. "10 s at 99 Hz, 1,980 samples"
     * @param unit what the weights count, for tooltips ("samples")
     */
    public static String render(FlameGraph graph, String title, String subtitle, String unit) {
        int height = height(graph);
        StringBuilder s = new StringBuilder(256 + graph.boxes().size() * 260);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        s.append("<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" onload=\"tbInit(evt)\">\n");
        s.append("<style>text{font-family:Verdana,'DejaVu Sans',sans-serif;font-size:12px;fill:#000}")
                .append(".f:hover rect{stroke:#000;stroke-width:0.5}.parent{opacity:0.5}#title{font-size:17px}")
                .append("#reset{cursor:pointer;fill:#1a5fb4;display:none}.f{cursor:pointer}</style>\n");
        s.append("<script type=\"text/ecmascript\"><![CDATA[\n").append(SCRIPT).append("]]></script>\n");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" fill=\"#f8f8f8\"/>\n");
        s.append("<text id=\"title\" x=\"").append(WIDTH / 2).append("\" y=\"22\" text-anchor=\"middle\">")
                .append(Xml.escape(title)).append("</text>\n");
        s.append("<text id=\"subtitle\" x=\"").append(WIDTH / 2).append("\" y=\"40\" text-anchor=\"middle\">")
                .append(Xml.escape(subtitle)).append("</text>\n");
        s.append("<text id=\"reset\" x=\"").append(SIDE).append("\" y=\"22\">Reset zoom</text>\n");
        s.append("<text id=\"details\" x=\"").append(SIDE).append("\" y=\"").append(height - 10).append("\"> </text>\n");
        s.append("<g id=\"frames\">\n");
        double scale = (WIDTH - 2.0 * SIDE) / Math.max(1, graph.total());
        for (FlameGraph.Box b : graph.boxes()) {
            double x = SIDE + b.start() * scale;
            double w = b.weight() * scale;
            double y = height - BOTTOM - (b.depth() + 1) * FRAME_HEIGHT;
            String tip = b.name() + " (" + b.weight() + " " + unit + ", " + Percent.of(b.weight(), graph.total()) + ")";
            s.append("<g class=\"f\" data-x=\"").append(fraction(b.start(), graph.total())).append("\" data-w=\"")
                    .append(fraction(b.weight(), graph.total())).append("\" data-d=\"").append(b.depth()).append("\">")
                    .append("<title>").append(Xml.escape(tip)).append("</title>")
                    .append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                    .append(num(w)).append("\" height=\"").append(FRAME_HEIGHT - 1).append("\" rx=\"2\" fill=\"")
                    .append(Palette.css(b.name(), b.kind())).append("\"/>")
                    .append("<text x=\"").append(num(x + 3)).append("\" y=\"").append(num(y + 11.5)).append("\">")
                    .append(Xml.escape(label(b.name(), w))).append("</text></g>\n");
        }
        s.append("</g>\n</svg>\n");
        return s.toString();
    }

    /** The name cut to fit {@code widthPx}, ".." marking a cut; empty when not even three characters fit. */
    static String label(String name, double widthPx) {
        int fit = (int) ((widthPx - 6) / CHAR_WIDTH);
        if (fit < 3) {
            return "";
        }
        return name.length() <= fit ? name : name.substring(0, fit - 2) + "..";
    }

    /** part/whole with 8 decimals; hand-rolled because String.format dominated rendering time. */
    static String fraction(long part, long whole) {
        return fixed(whole == 0 ? 0 : (double) part / whole, 100_000_000L, 8);
    }

    static String num(double v) {
        return fixed(v, 100, 2);
    }

    private static String fixed(double v, long scale, int decimals) {
        long n = Math.round(Math.abs(v) * scale);
        String frac = Long.toString(n % scale);
        return (v < 0 && n != 0 ? "-" : "") + n / scale + "." + "0".repeat(decimals - frac.length()) + frac;
    }

    /** Zoom and details. Reads each frame's name from its title's text: never parsed as markup. */
    private static final String SCRIPT = """
            var W = %d, SIDE = %d, CW = %s, frames, details, reset;
            function tbInit(evt) {
              frames = document.getElementById('frames').getElementsByTagName('g');
              details = document.getElementById('details').firstChild;
              reset = document.getElementById('reset');
              reset.addEventListener('click', function () { zoom(0, 1, 0); });
              for (var i = 0; i < frames.length; i++) {
                var g = frames[i];
                g.addEventListener('click', function (e) {
                  var t = e.currentTarget;
                  zoom(+t.getAttribute('data-x'), +t.getAttribute('data-w'), +t.getAttribute('data-d'));
                });
                g.addEventListener('mouseover', function (e) {
                  details.nodeValue = e.currentTarget.getElementsByTagName('title')[0].textContent;
                });
                g.addEventListener('mouseout', function () { details.nodeValue = ' '; });
              }
            }
            function name(g) {
              var t = g.getElementsByTagName('title')[0].textContent;
              return t.substring(0, t.lastIndexOf(' ('));
            }
            function place(g, x, w) {
              var r = g.getElementsByTagName('rect')[0], t = g.getElementsByTagName('text')[0];
              var px = SIDE + x * (W - 2 * SIDE), pw = w * (W - 2 * SIDE);
              r.setAttribute('x', px.toFixed(2));
              r.setAttribute('width', pw.toFixed(2));
              t.setAttribute('x', (px + 3).toFixed(2));
              var fit = Math.floor((pw - 6) / CW), n = name(g);
              t.textContent = fit < 3 ? '' : (n.length <= fit ? n : n.substring(0, fit - 2) + '..');
            }
            function zoom(x, w, d) {
              var eps = 1e-9;
              for (var i = 0; i < frames.length; i++) {
                var g = frames[i], fx = +g.getAttribute('data-x'), fw = +g.getAttribute('data-w');
                var fd = +g.getAttribute('data-d');
                g.removeAttribute('class');
                g.setAttribute('class', 'f');
                if (fd >= d && fx >= x - eps && fx + fw <= x + w + eps) {
                  g.style.display = '';
                  place(g, (fx - x) / w, fw / w);
                } else if (fd < d && fx <= x + eps && fx + fw >= x + w - eps) {
                  g.style.display = '';
                  g.setAttribute('class', 'f parent');
                  place(g, 0, 1);
                } else {
                  g.style.display = 'none';
                }
              }
              reset.style.display = (w < 1 - eps) ? 'block' : 'none';
            }
            """.formatted(WIDTH, SIDE, Double.toString(CHAR_WIDTH));
}
