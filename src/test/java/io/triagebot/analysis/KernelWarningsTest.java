package io.triagebot.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.snapshot.KernelLogLine;
import io.triagebot.testsupport.SyntheticHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Triggers for lines where the kernel names a cause, and the other warnings no trigger knows. */
class KernelWarningsTest {

    /** Lines as the kernel prints them (printk formats in the kernel sources named by each trigger). */
    static final Map<String, List<String>> NAMED_CAUSES = Map.of(
            "clocksource-unstable", List.of(
                    "clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:",
                    "clocksource: Marking clocksource 'tsc' as unstable because the skew is too large:",
                    "tsc: Marking TSC unstable due to clocksource watchdog",
                    "TSC found unstable after boot, most likely due to broken BIOS. Use 'tsc=unstable'."),
            "neighbour-table-overflow", List.of("neighbour: arp_cache: neighbor table overflow!",
                    "neighbour: ndisc_cache: neighbor table overflow!"),
            "cgroup-fork-rejected", List.of("cgroup: fork rejected by pids controller in /system.slice/db.service"),
            "file-max-reached", List.of("VFS: file-max limit 8192 reached"),
            "conntrack-table-full", List.of("nf_conntrack: nf_conntrack: table full, dropping packet"),
            "tcp-out-of-memory", List.of("TCP: out of memory -- consider tuning tcp_mem"),
            "callbacks-suppressed", List.of("net_ratelimit: 42 callbacks suppressed", "nfs: 12 callbacks suppressed"));

    private final EscalationScanner scanner = new EscalationScanner(Thresholds.builtIn());

    @Test
    void linesNamingACauseAreEscalatedWithAdviceAndSource() {
        NAMED_CAUSES.forEach((trigger, lines) -> {
            for (String line : lines) {
                List<Escalation> found = scanner.scan(List.of(new KernelLogLine(100, line, 4)), 160);
                assertEquals(1, found.size(), line);
                assertEquals(trigger, found.get(0).trigger(), line);
                assertTrue(found.get(0).advice().contains("Source: "), trigger + " names its source");
                assertEquals(60, found.get(0).ageSeconds(), 1e-9);
                assertTrue(scanner.warnings(List.of(new KernelLogLine(100, line, 4)), 160).isEmpty(),
                        "a recognised line is not also an other warning: " + line);
            }
        });
    }

    @Test
    void unknownWarningsAreFoldedByTemplateWithCountAndNewestAge() {
        List<KernelLogLine> log = List.of(
                new KernelLogLine(1000, "xfs: metadata I/O error in xlog_write at daddr 0x1f2e3d len 8 error 5", 3),
                new KernelLogLine(1500, "xfs: metadata I/O error in xlog_write at daddr 0x77aa len 16 error 5", 3),
                new KernelLogLine(1800, "mycorp_drv 0000:03:00.0: ring 3 reset by pid 4242", 4),
                new KernelLogLine(1900, "EXT4-fs (vda): mounted filesystem", 6),
                new KernelLogLine(1950, "  ? xlog_write+0x12/0x340", 4));
        KernelWarnings w = scanner.warnings(log, 2000);
        assertTrue(w.levelsKnown());
        assertEquals(2, w.shown().size(), "info lines and dump frames are not warnings: " + w);
        KernelWarning xfs = w.shown().get(0);
        assertEquals("xfs: metadata I/O error in xlog_write at daddr # len # error #", xfs.template());
        assertEquals(2, xfs.count());
        assertEquals(500, xfs.ageSeconds(), 1e-9);
        assertTrue(xfs.line().contains("0x77aa"), "keeps the newest line");
        assertEquals("err", xfs.levelName());
        assertEquals(Severity.MEDIUM, w.severity(), "repeated and logged within 10 minutes");
    }

    @Test
    void aLoneOrOldWarningListsButDoesNotRaiseSeverity() {
        KernelWarnings lone = scanner.warnings(List.of(new KernelLogLine(1990, "mydrv: link flapped on port 3", 4)), 2000);
        assertEquals(1, lone.shown().size());
        assertEquals(Severity.LOW, lone.severity());
        KernelWarnings old = scanner.warnings(List.of(new KernelLogLine(100, "mydrv: link flapped on port 3", 4),
                new KernelLogLine(200, "mydrv: link flapped on port 4", 4)), 1300);
        assertEquals(2, old.shown().get(0).count());
        assertEquals(Severity.LOW, old.severity(), "repeated but 18 minutes old");
        KernelWarnings history = scanner.warnings(List.of(new KernelLogLine(100, "mydrv: link flapped", 4)), 100_000);
        assertTrue(history.isEmpty(), "older than an hour: not listed");
    }

    @Test
    void theListIsBoundedAndSaysHowManyMore() {
        List<KernelLogLine> log = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String word = "drv" + (char) ('a' + i);
            for (int j = 0; j <= i; j++) {
                log.add(new KernelLogLine(1000 + j, word + ": timeout on queue " + j, 4));
            }
        }
        KernelWarnings w = scanner.warnings(log, 1100);
        assertEquals(10, w.shown().size());
        assertEquals(15, w.moreTemplates());
        assertEquals("drvy: timeout on queue #", w.shown().get(0).template(), "most frequent first");
        assertEquals(25, w.shown().get(0).count());
        assertEquals(120, w.moreLines(), "1 + 2 + ... + 15 lines left out");
    }

    @Test
    void aLogWithoutLevelsSaysSoInsteadOfListingNothing() {
        KernelWarnings w = scanner.warnings(List.of(new KernelLogLine(10, "mydrv: link flapped")), 20);
        assertFalse(w.levelsKnown());
        assertTrue(w.isEmpty());
    }

    @Test
    void theAnalyzerRaisesTheReportToMediumAndTheJsonListsIt() {
        // The log as dmesg -r prints it: level prefix, then the timestamp (uptime 10,000 s).
        var host = SyntheticHost.idle(2).uptime(10_000)
                .kernelLogUntimed("<4>[ 9990.000000] mydrv 0000:03:00.0: ring 3 stalled, resetting")
                .kernelLogUntimed("<12>[ 9995.000000] mydrv 0000:03:00.0: ring 5 stalled, resetting");
        Report r = new Analyzer(Detectors.standard(), Thresholds.builtIn()).analyze(host.snapshot());
        assertEquals(Severity.MEDIUM, r.severity());
        assertEquals(1, r.kernelWarnings().shown().size());
        var json = new ReportJson(new com.fasterxml.jackson.databind.ObjectMapper()).toJson(r);
        assertEquals(2, json.get("otherKernelWarnings").get("templates").get(0).get("count").asInt());
    }
}
