package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import io.triagebot.analysis.Escalation;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.analysis.Unmeasured;
import io.triagebot.analysis.Vitals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SlackReportRendererTest {

    private final SlackReportRenderer renderer = new SlackReportRenderer();

    @Test
    void hostileTextCannotPingOrLink() {
        Finding f = finding("cpu-saturation", "busiest process <!channel> (pid 42) & <https://evil|click>", "x");
        Report r = report(Severity.HIGH, List.of(f), List.of(new Escalation("oom-kill", Severity.HIGH,
                "Killed process 42 (<!here>)", 10, true, 1, "advice")));
        String all = text(renderer.render(r));
        assertFalse(all.contains("<!channel>"), all);
        assertFalse(all.contains("<!here>"), all);
        assertFalse(all.contains("<https://evil"), all);
        assertTrue(all.contains("&lt;!channel&gt;"), all);
        assertTrue(all.contains("&amp;"), all);
    }

    @Test
    void otherKernelWarningsAreListedEscapedWithHowManyMore() {
        var host = io.triagebot.testsupport.SyntheticHost.idle(2).uptime(10_000);
        for (int i = 0; i < 12; i++) {
            host.kernelLogUntimed("kern  :warn  : [ 9990.000000] drv" + (char) ('a' + i) + ": <!channel> ring " + i + " stalled");
        }
        host.kernelLogUntimed("kern  :warn  : [ 9995.000000] drva: <!channel> ring 99 stalled");
        Report r = new io.triagebot.analysis.Analyzer(io.triagebot.analysis.detectors.Detectors.standard(),
                io.triagebot.analysis.Thresholds.builtIn()).analyze(host.snapshot());
        String all = text(renderer.render(r));
        assertTrue(all.contains("*Other kernel warnings*"), all);
        assertFalse(all.contains("<!channel>"), all);
        assertTrue(all.contains("&lt;!channel&gt;"), all);
        assertTrue(all.contains("2 more (2 lines)"), all);
        assertEquals(Severity.MEDIUM, r.severity(), "drva repeated within 10 minutes");
    }

    @Test
    void severityComesFirst() {
        List<SlackMessage> messages = renderer.render(report(Severity.CRITICAL, List.of(
                finding("swap-death-spiral", "swap storm", "swap-in 4,200 pages/s")), List.of()));
        LayoutBlock first = messages.get(0).blocks().get(0);
        assertEquals("header", first.getType());
        assertTrue(((com.slack.api.model.block.HeaderBlock) first).getText().getText().contains("CRITICAL · db-3"));
        assertTrue(messages.get(0).text().startsWith("CRITICAL db-3: "));
    }

    @Test
    void longContentContinuesInMoreBlocksAndMessagesNeverCut() {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            List<String> evidence = new ArrayList<>();
            for (int e = 0; e < 30; e++) {
                evidence.add("evidence line " + i + "." + e + " with some length to it, & an ampersand " + "x".repeat(40));
            }
            findings.add(new Finding("io-stall", Severity.MEDIUM, Status.HYPOTHESIS, "finding number " + i, "impact",
                    evidence, List.of("iostat -xz 1 5"), List.of(), "fix", null, 1.0));
        }
        List<SlackMessage> messages = renderer.render(report(Severity.MEDIUM, findings, List.of()));
        assertTrue(messages.size() > 1, "split into several messages");
        for (SlackMessage m : messages) {
            assertTrue(m.blocks().size() <= SlackMessage.MAX_BLOCKS);
            for (LayoutBlock b : m.blocks()) {
                if (b instanceof SectionBlock s) {
                    assertTrue(s.getText().getText().length() <= SlackMessage.MAX_SECTION_CHARS);
                }
            }
        }
        String all = text(messages);
        for (int i = 0; i < 80; i++) {
            for (int e = 0; e < 30; e++) {
                assertTrue(all.contains("evidence line " + i + "." + e + " "), "lost evidence " + i + "." + e);
            }
        }
        assertFalse(all.contains("&am\n"), "an escape is never cut in two");
        assertTrue(messages.get(1).text().contains("part 2 of " + messages.size()));
    }

    @Test
    void splitterKeepsEveryCharacter() {
        String text = "a".repeat(7000) + "\n" + "b c ".repeat(2000) + "&amp;".repeat(900);
        List<String> pieces = SectionSplitter.split(text, 3000);
        pieces.forEach(p -> assertTrue(p.length() <= 3000));
        assertEquals(text.replace("\n", ""), String.join("", pieces).replace("\n", ""));
    }

    private static String text(List<SlackMessage> messages) {
        return messages.stream().flatMap(m -> m.blocks().stream()).map(b -> {
            if (b instanceof SectionBlock s) {
                return s.getText().getText();
            }
            if (b instanceof com.slack.api.model.block.ContextBlock c) {
                return c.getElements().stream().map(e -> ((MarkdownTextObject) e).getText())
                        .collect(Collectors.joining(" "));
            }
            return "";
        }).collect(Collectors.joining("\n"));
    }

    static Finding finding(String pattern, String title, String impact) {
        return new Finding(pattern, Severity.HIGH, Status.CONFIRMED, title, impact, List.of("e1 [/proc/stat]"),
                List.of("perf top"), List.of(new RunbookSuggestion("renice", Map.of("pid", "42", "nice", "10"), "calm it")),
                "fix it", "pid 42", 2.0);
    }

    static Report report(Severity severity, List<Finding> findings, List<Escalation> escalations) {
        Vitals v = new Vitals(2, 1, 1, 1, 10, 5, 0, 0, 85, 15, 1, 0, 1000, 500, 0, 0, 0, 0, 100, 100, 1, 0, 0, 0, 0, 100);
        return new Report("db-3", severity, "headline", List.of(), v, findings, escalations,
                List.of(new Unmeasured("schedstat", "not present")), List.of(), "db-3", "6.1", Instant.EPOCH, 1.0, 1000, 10);
    }
}
