package io.triagebot.deep;

import io.triagebot.deep.fold.BpftraceCountParser;
import io.triagebot.deep.fold.BpftraceHistogramParser;
import io.triagebot.deep.fold.BpftraceStacksParser;
import io.triagebot.deep.fold.CountTable;
import io.triagebot.deep.fold.FoldedStacks;
import io.triagebot.deep.fold.Histogram;
import io.triagebot.deep.fold.PerfScriptParser;
import io.triagebot.deep.render.BarChartPng;
import io.triagebot.deep.render.CountReport;
import io.triagebot.deep.render.FlameGraph;
import io.triagebot.deep.render.FlameGraphPng;
import io.triagebot.deep.render.FlameGraphSvg;
import io.triagebot.deep.render.HistogramReport;
import io.triagebot.deep.render.StackReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a tool's output into what people see: for stacks a flame graph (SVG and PNG) with the top
 * processes, stacks and functions; for histograms text bars and a PNG; for counts a table and a PNG.
 *
 * @param text the headline and the summary
 * @param files what to upload; empty when the tool saw nothing
 * @param sawNothing the tool ran and printed no data (no sample, no event)
 */
public record DeepReport(String text, List<DeepFile> files, boolean sawNothing) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    public static DeepReport of(DeepProbe probe, String host, int seconds, String toolOutput, Instant startedAt) {
        String stem = probe.id() + "-" + host.replace(':', '_') + "-" + STAMP.format(startedAt);
        String title = probe.title() + " of " + host;
        return switch (probe.output()) {
            case STACKS -> stacks(probe, seconds, toolOutput, startedAt, stem, title);
            case HISTOGRAM -> histogram(probe, seconds, toolOutput, startedAt, stem, title);
            case COUNTS -> counts(probe, seconds, toolOutput, startedAt, stem, title);
        };
    }

    private static DeepReport stacks(DeepProbe probe, int seconds, String out, Instant at, String stem, String title) {
        FoldedStacks stacks;
        String headline;
        if (probe.tool() == Tool.PERF) {
            PerfScriptParser.Result r = PerfScriptParser.parse(out);
            stacks = r.stacks();
            double idle = StackReport.idleShare(stacks);
            headline = String.format(Locale.ROOT, "%s: %d s at %d Hz on every CPU, %,d samples%s.", title, seconds,
                    probe.frequency(), r.samples(), idle < 0 ? "" : String.format(Locale.ROOT, ", %.1f%% idle", 100 * idle));
        } else {
            BpftraceStacksParser.Result r = BpftraceStacksParser.parse(out, probe.map());
            stacks = r.stacks();
            headline = String.format(Locale.ROOT, "%s: %d s, %,d %s%s in %,d distinct stacks.", title, seconds,
                    stacks.total(), probe.weight(), probe.weight().startsWith("microseconds")
                            ? String.format(Locale.ROOT, " (%.1f s summed over threads)", stacks.total() / 1e6) : "",
                    stacks.stacks().size());
        }
        if (stacks.isEmpty()) {
            return new DeepReport(title + ": no " + probe.weight() + " in " + seconds + " s.\n", List.of(), true);
        }
        FlameGraph graph = FlameGraph.of(stacks);
        String subtitle = String.format(Locale.ROOT, "%d s from %s, %,d %s", seconds, WHEN.format(at), stacks.total(),
                probe.weight());
        List<DeepFile> files = new ArrayList<>();
        files.add(new DeepFile(stem + ".svg", "image/svg+xml", FlameGraphSvg.render(graph, title, subtitle,
                probe.weight()).getBytes(StandardCharsets.UTF_8), title + " (interactive SVG: open it in a browser,"
                + " click a frame to zoom)"));
        files.add(new DeepFile(stem + ".png", "image/png", FlameGraphPng.render(graph, title, subtitle), title));
        return new DeepReport(headline + "\n" + StackReport.render(stacks, probe.weight()), files, false);
    }

    private static DeepReport histogram(DeepProbe probe, int seconds, String out, Instant at, String stem,
            String title) {
        Histogram h = BpftraceHistogramParser.parse(out, probe.map(), probe.unit());
        if (h.isEmpty()) {
            return new DeepReport(title + ": no " + probe.weight() + " in " + seconds + " s.\n", List.of(), true);
        }
        String subtitle = String.format(Locale.ROOT, "%d s from %s, %,d %s%s", seconds, WHEN.format(at), h.total(),
                probe.weight(), probe.unit() == null ? "" : ", " + probe.unit());
        byte[] png = BarChartPng.render(title, subtitle, HistogramReport.bars(h));
        return new DeepReport(title + ", " + seconds + " s: " + HistogramReport.render(h, probe.weight()),
                List.of(new DeepFile(stem + ".png", "image/png", png, title)), false);
    }

    private static DeepReport counts(DeepProbe probe, int seconds, String out, Instant at, String stem, String title) {
        CountTable t = BpftraceCountParser.parse(out, probe.map(), probe.keys());
        if (t.isEmpty()) {
            return new DeepReport(title + ": no " + probe.weight() + " in " + seconds + " s.\n", List.of(), true);
        }
        String subtitle = String.format(Locale.ROOT, "%d s from %s, %,d %s", seconds, WHEN.format(at), t.total(),
                probe.weight());
        byte[] png = BarChartPng.render(title, subtitle + " (" + String.join(", ", probe.keys()) + ")",
                CountReport.bars(t));
        return new DeepReport(title + ", " + seconds + " s: " + CountReport.render(t, probe.weight()),
                List.of(new DeepFile(stem + ".png", "image/png", png, title)), false);
    }
}
