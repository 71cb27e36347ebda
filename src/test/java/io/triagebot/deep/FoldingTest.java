package io.triagebot.deep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.deep.fold.BpftraceCountParser;
import io.triagebot.deep.fold.BpftraceHistogramParser;
import io.triagebot.deep.fold.BpftraceStacksParser;
import io.triagebot.deep.fold.CountTable;
import io.triagebot.deep.fold.FoldedStacks;
import io.triagebot.deep.fold.Frame;
import io.triagebot.deep.fold.Histogram;
import io.triagebot.deep.fold.PerfScriptParser;
import io.triagebot.deep.render.StackReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folding and parsing on outputs captured from real conditions (src/test/resources/deep/README.md). */
class FoldingTest {

    @Test
    void perfScriptFoldsEverySampleRootFirst() {
        String text = Fixtures.text("perf-cpu-stress.txt");
        long headers = text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#") && !Character.isWhitespace(l.charAt(0)))
                .count();
        PerfScriptParser.Result r = PerfScriptParser.parse(text);
        assertEquals(headers, r.samples());
        assertEquals(headers, r.stacks().total());
        assertEquals(0, r.skippedLines());
        for (List<Frame> stack : r.stacks().stacks().keySet()) {
            assertEquals(Frame.Kind.PROCESS, stack.get(0).kind());
        }
        // A syscall sample: the kernel entry sits above the user frames, the leaf is last.
        String folded = r.stacks().toFoldedText();
        assertTrue(folded.lines().anyMatch(l -> l.matches("^[^;]+;.*entry_SYSCALL_64_after_hwframe;do_syscall_64;.* \\d+$")),
                folded.substring(0, 2000));
        Map<String, Long> processes = StackReport.processes(r.stacks());
        assertTrue(processes.getOrDefault("stress-ng-cpu", 0L) > 0, processes.toString());
        // "C2 CompilerThre 10039": the command keeps its space, the pid goes.
        assertTrue(processes.containsKey("C2 CompilerThre"), processes.toString());
    }

    @Test
    void perfFramesAreClassifiedAndUnsymbolisedOnesNamedAfterTheirBinary() {
        assertEquals(new Frame("__d_lookup_rcu", Frame.Kind.KERNEL),
                PerfScriptParser.parse("java 1\n\tffffffff81704186 __d_lookup_rcu ([kernel.kallsyms])\n").stacks()
                        .stacks().keySet().iterator().next().get(1));
        List<Frame> stack = PerfScriptParser.parse("""
                stress-ng-cpu 11367
                \t           60ed7 [unknown] (/usr/bin/stress-ng)
                \td375f9b0002a5450 [unknown] ([unknown])
                \t    7f9cda2482b0 [unknown] (/tmp/perf-27477.map)
                \t          c715c0 NodeHash::hash_find (/usr/lib/jvm/lib/server/libjvm.so)
                \t          209f4d operator()(std::pair<int, int>) const (/usr/lib/libx.so)

                """).stacks().stacks().keySet().iterator().next();
        assertEquals(List.of(new Frame("stress-ng-cpu", Frame.Kind.PROCESS),
                new Frame("operator()(std::pair<int, int>) const", Frame.Kind.USER),
                new Frame("NodeHash::hash_find", Frame.Kind.USER),
                new Frame("[perf-27477.map]", Frame.Kind.UNSYMBOLISED),
                new Frame("[unknown]", Frame.Kind.UNSYMBOLISED),
                new Frame("[stress-ng]", Frame.Kind.UNSYMBOLISED)), stack);
    }

    @Test
    void unsymbolisedUserFramesAreSaidWithTheFix() {
        FoldedStacks stress = PerfScriptParser.parse(Fixtures.text("perf-cpu-stress.txt")).stacks();
        String note = StackReport.symbolNote(stress);
        assertTrue(note.contains("Unsymbolised user-space frames"), note);
        assertTrue(note.contains("debug symbols") && note.contains("frame pointers") && note.contains("perf-PID.map"), note);
        FoldedStacks symbolised = PerfScriptParser.parse(
                "sshd 1\n\tffffffff81704186 __d_lookup_rcu ([kernel.kallsyms])\n\t85f16 poll (/usr/lib/libc.so.6)\n")
                .stacks();
        assertEquals("", StackReport.symbolNote(symbolised));
    }

    @Test
    void cutAndHostileOutputNeverThrows() {
        String text = Fixtures.text("perf-idle.txt");
        PerfScriptParser.Result cut = PerfScriptParser.parse(text.substring(0, text.length() / 2 + 7));
        assertTrue(cut.samples() > 0);
        PerfScriptParser.Result garbage = PerfScriptParser.parse("\tnot a frame\n\u0000\u0001\n\t\t\n<svg>\n\tzz y (x)\n");
        assertEquals(2, garbage.skippedLines());
    }

    @Test
    void stacksAndDepthAreBounded() {
        FoldedStacks stacks = new FoldedStacks();
        for (int i = 0; i < FoldedStacks.MAX_STACKS + 500; i++) {
            stacks.add(List.of(new Frame("p", Frame.Kind.PROCESS), new Frame("f" + i, Frame.Kind.USER)), 1);
        }
        List<Frame> deep = new ArrayList<>();
        deep.add(new Frame("q", Frame.Kind.PROCESS));
        for (int i = 0; i < 1000; i++) {
            deep.add(new Frame("g" + i, Frame.Kind.KERNEL));
        }
        stacks.add(deep, 1);
        // Past the bound, new stacks merge into one "[other stacks]" per process: p's 500 and q's deep one.
        assertEquals(FoldedStacks.MAX_STACKS + 2, stacks.stacks().size());
        assertEquals(FoldedStacks.MAX_STACKS + 501, stacks.total());
        assertEquals(501, stacks.merged());
        assertTrue(stacks.stacks().keySet().stream().allMatch(s -> s.size() <= FoldedStacks.MAX_DEPTH));
    }

    @Test
    void bpftraceStackMapsFoldWithTheirTimeWeights() {
        String text = Fixtures.text("offcpu-idle.txt");
        long entries = text.lines().filter(l -> l.startsWith("]: ")).count();
        long weight = text.lines().filter(l -> l.startsWith("]: ")).mapToLong(l -> Long.parseLong(l.substring(3))).sum();
        BpftraceStacksParser.Result r = BpftraceStacksParser.parse(text, "offcpu");
        assertEquals(entries, r.entries());
        assertEquals(weight, r.stacks().total());
        assertEquals(0, r.incomplete());
        for (List<Frame> stack : r.stacks().stacks().keySet()) {
            // Root first: the process, ..., and the leaf where the thread blocked.
            assertEquals(Frame.Kind.PROCESS, stack.get(0).kind());
            assertEquals("__schedule", stack.get(stack.size() - 1).name(), stack.toString());
        }
        BpftraceStacksParser.Result cut = BpftraceStacksParser.parse(text.substring(0, text.lastIndexOf("]: ") - 3),
                "offcpu");
        assertEquals(entries - 1, cut.entries());
        assertEquals(1, cut.incomplete());
    }

    @Test
    void histogramsReadBucketsWithSuffixesAndSingleValues() {
        String text = Fixtures.text("runqlat-idle.txt");
        Histogram h = BpftraceHistogramParser.parse(text, "usecs", "microseconds");
        long sum = text.lines().filter(l -> l.startsWith("[")).mapToLong(l -> Long.parseLong(l.split("\\s+|\\)\\s+|\\]\\s+")[
                l.startsWith("[") && l.contains(")") ? 2 : 1].trim())).sum();
        assertEquals(sum, h.total());
        assertEquals(new Histogram.Bucket(0, 1, 893, "[0]"), h.buckets().get(0));
        assertEquals(new Histogram.Bucket(2, 4, 656, "[2, 4)"), h.buckets().get(2));
        assertTrue(h.buckets().contains(new Histogram.Bucket(1024, 2048, 395, "[1K, 2K)")), h.buckets().toString());
        assertEquals(new Histogram.Bucket(8L << 20, 16L << 20, 5, "[8M, 16M)"), BpftraceHistogramParser
                .parse(Fixtures.text("runqlat-context-switch.txt"), "usecs", null).buckets().stream()
                .filter(b -> b.label().equals("[8M, 16M)")).findFirst().orElseThrow());
        for (int i = 1; i < h.buckets().size(); i++) {
            assertTrue(h.buckets().get(i).low() >= h.buckets().get(i - 1).high(), "ordered buckets");
        }
    }

    @Test
    void histogramQuantilesFollowTheLoad() {
        Histogram idle = BpftraceHistogramParser.parse(Fixtures.text("runqlat-idle.txt"), "usecs", "microseconds");
        Histogram load = BpftraceHistogramParser.parse(Fixtures.text("runqlat-context-switch.txt"), "usecs",
                "microseconds");
        // Counted by hand from the fixtures: 5.0 M wake-ups in 3 s under ping-pong, 8,346 on the quiet host.
        assertEquals("[4, 8)", load.quantileLabel(0.5));
        assertEquals("[16, 32)", idle.quantileLabel(0.5));
        assertEquals("[4, 8)", load.quantileLabel(0.9));
        assertEquals("[4K, 8K)", idle.quantileLabel(0.9));
        assertEquals(-1, new Histogram(List.of(), null).quantileBucket(0.5));
        assertTrue(BpftraceHistogramParser.parse("@other:\n[0] 5 |@|\n", "usecs", null).isEmpty());
        assertEquals(2, BpftraceHistogramParser.parse("@usecs:\n(..., 0) 1 |@|\n[0] 1 |@|\n\n@x:\n[1] 9\n", "usecs", null)
                .buckets().size());
        assertNull(BpftraceHistogramParser.parse("@usecs:\n[0] 99999999999999999999999 |@|\n", "usecs", null)
                .buckets().stream().findFirst().orElse(null));
    }

    @Test
    void countMapsSplitKeysAndKeepTheLargest() {
        CountTable retrans = BpftraceCountParser.parse(Fixtures.text("tcpretrans-lab.txt"), "retrans",
                List.of("source", "source port", "destination", "destination port"));
        assertEquals(List.of("127.0.0.1", "52062", "127.0.0.1", "29471"), retrans.rows().get(0).key());
        assertEquals(294, retrans.rows().get(0).count());
        CountTable faults = BpftraceCountParser.parse(Fixtures.text("pagefaults-idle.txt"), "faults",
                List.of("process", "pid"));
        assertFalse(faults.isEmpty());
        assertTrue(faults.rows().stream().anyMatch(r -> r.key().get(0).equals("GC Thread#1")));
        for (int i = 1; i < faults.rows().size(); i++) {
            assertTrue(faults.rows().get(i).count() <= faults.rows().get(i - 1).count());
        }
        assertEquals(List.of("a, b", "7"), BpftraceCountParser.parse("@faults[a, b, 7]: 3\n", "faults",
                List.of("process", "pid")).rows().get(0).key());
    }
}
