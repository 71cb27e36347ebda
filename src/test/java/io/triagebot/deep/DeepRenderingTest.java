package io.triagebot.deep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.deep.fold.BpftraceHistogramParser;
import io.triagebot.deep.fold.FoldedStacks;
import io.triagebot.deep.fold.Frame;
import io.triagebot.deep.fold.Histogram;
import io.triagebot.deep.fold.PerfScriptParser;
import io.triagebot.deep.render.BarChartPng;
import io.triagebot.deep.render.FlameGraph;
import io.triagebot.deep.render.FlameGraphPng;
import io.triagebot.deep.render.FlameGraphSvg;
import io.triagebot.deep.render.HistogramReport;
import io.triagebot.deep.render.StackReport;
import io.triagebot.deep.render.Xml;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class DeepRenderingTest {

    @Test
    void flameGraphSvgIsWellFormedInteractiveAndSumsToTheWhole() throws Exception {
        FoldedStacks stacks = PerfScriptParser.parse(Fixtures.text("perf-cpu-stress.txt")).stacks();
        FlameGraph graph = FlameGraph.of(stacks);
        String svg = FlameGraphSvg.render(graph, "CPU profile of db-3", "3 s", "samples");
        Document doc = parse(svg);
        NodeList frames = doc.getElementsByTagName("g");
        assertEquals(graph.boxes().size() + 1, frames.getLength()); // + the container
        assertEquals(1, doc.getElementsByTagName("script").getLength());
        assertTrue(svg.contains("function zoom("), "click to zoom");
        assertEquals(graph.boxes().size(), doc.getElementsByTagName("title").getLength(), "a tooltip per frame");
        // Children never exceed their parent: the boxes of each depth sum to at most the root's width.
        for (int d = 1; d <= graph.maxDepth(); d++) {
            final int depth = d;
            long sum = graph.boxes().stream().filter(b -> b.depth() == depth).mapToLong(FlameGraph.Box::weight).sum();
            assertTrue(sum <= graph.total(), "depth " + d);
        }
        assertEquals(stacks.total(), graph.total());
        assertTrue(svg.contains(">stress-ng-cpu (") || svg.contains("stress-ng-cpu ("), "the process is a frame");
    }

    @Test
    void hostileNamesAreEscapedAndInvalidCharactersReplaced() throws Exception {
        FoldedStacks stacks = new FoldedStacks();
        String evil = "</title><script>alert(1)</script>&amp;\"'\u0001\u0000\uFFFF\uD800x";
        stacks.add(List.of(new Frame("<svg onload=alert(2)>", Frame.Kind.PROCESS), new Frame(evil, Frame.Kind.USER),
                new Frame("]]><x/>", Frame.Kind.KERNEL)), 10);
        String svg = FlameGraphSvg.render(FlameGraph.of(stacks), "title <b>&", "sub ]]>", "samples");
        Document doc = parse(svg);
        assertEquals(1, doc.getElementsByTagName("script").getLength(), "only our own script");
        assertEquals(0, doc.getElementsByTagName("x").getLength());
        assertFalse(svg.contains("<svg onload"));
        NodeList titles = doc.getElementsByTagName("title");
        boolean found = false;
        for (int i = 0; i < titles.getLength(); i++) {
            // The name comes back as text, with the characters XML cannot carry replaced.
            found |= titles.item(i).getTextContent().startsWith("</title><script>alert(1)</script>&amp;\"'????x (10");
        }
        assertTrue(found, svg);
        assertEquals("a&amp;&lt;b&gt;&quot;&#39;?", Xml.escape("a&<b>\"'\u0007"));
        assertEquals("\uD83D\uDE00", Xml.escape("\uD83D\uDE00"), "a valid surrogate pair stays");
    }

    @Test
    void boxesAreBoundedAndTheTailMergedIntoOther() {
        FoldedStacks stacks = new FoldedStacks();
        stacks.add(List.of(new Frame("big", Frame.Kind.PROCESS), new Frame("main", Frame.Kind.USER)), 1_000_000);
        for (int i = 0; i < 15_000; i++) {
            stacks.add(List.of(new Frame("p" + i, Frame.Kind.PROCESS), new Frame("f" + i, Frame.Kind.USER)), 1);
        }
        FlameGraph graph = FlameGraph.of(stacks);
        assertTrue(graph.boxes().size() <= FlameGraph.MAX_BOXES, graph.boxes().size() + " boxes");
        FlameGraph.Box other = graph.boxes().stream().filter(b -> b.name().equals("[other]")).findFirst().orElseThrow();
        assertEquals(15_000, other.weight());
        assertEquals(1, other.depth());
    }

    @Test
    void pngHasTheSvgsSizeAndIsRenderedHeadless() throws Exception {
        FoldedStacks stacks = PerfScriptParser.parse(Fixtures.text("perf-idle.txt")).stacks();
        FlameGraph graph = FlameGraph.of(stacks);
        byte[] png = FlameGraphPng.render(graph, "CPU profile of local", "3 s");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(FlameGraphSvg.render(graph, "", "", "").contains("width=\"1200\""), image.getWidth() == 1200);
        assertEquals(FlameGraphSvg.height(graph), image.getHeight());
        assertTrue(GraphicsEnvironment.isHeadless());
        // Something was drawn: the root bar's colour sits just above the bottom margin.
        int rootY = image.getHeight() - 30 - 8;
        assertTrue(image.getRGB(600, rootY) != image.getRGB(600, 5), "root frame drawn");
    }

    @Test
    void histogramsRenderAsTextBarsAndPng() throws Exception {
        Histogram h = BpftraceHistogramParser.parse(Fixtures.text("runqlat-idle.txt"), "usecs", "microseconds");
        String text = HistogramReport.render(h, "wake-ups");
        assertTrue(text.startsWith("8,346 wake-ups; median in [16, 32) microseconds"), text);
        assertTrue(text.contains("[4, 8)") && text.contains("|########################################|"), text);
        assertEquals(h.buckets().size() + 1, text.lines().count());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                BarChartPng.render("Run-queue latency of db-3", "3 s", HistogramReport.bars(h))));
        assertEquals(900, image.getWidth());
        assertTrue(image.getHeight() > h.buckets().size() * 18);
    }

    @Test
    void reportSaysWhatTheStacksShow() {
        FoldedStacks stacks = PerfScriptParser.parse(Fixtures.text("perf-cpu-stress.txt")).stacks();
        String text = StackReport.render(stacks, "samples");
        assertTrue(text.contains("Top processes:") && text.contains("Top stacks") && text.contains("Top functions"), text);
        assertTrue(text.contains("Unsymbolised user-space frames"), text);
        DeepProbe cpu = new DeepProbe("cpu", "CPU profile", "d", Tool.PERF, OutputKind.STACKS, 99, "s", "samples",
                null, null, List.of(), 10, 30, 8, "o", "p", null,
                new Requirements("perf", false, 0, false, false, List.of()), java.util.Map.of(), "x");
        DeepReport report = DeepReport.of(cpu, "db-3", 3, Fixtures.text("perf-cpu-stress.txt"),
                Instant.parse("2026-12-03T15:31:18Z"));
        assertEquals(List.of("cpu-db-3-20261203-153118.svg", "cpu-db-3-20261203-153118.png"),
                report.files().stream().map(DeepFile::name).toList());
        assertTrue(report.text().startsWith("CPU profile of db-3: 3 s at 99 Hz on every CPU, "), report.text());
        DeepReport nothing = DeepReport.of(cpu, "db-3", 3, "", Instant.EPOCH);
        assertTrue(nothing.sawNothing() && nothing.files().isEmpty());
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
