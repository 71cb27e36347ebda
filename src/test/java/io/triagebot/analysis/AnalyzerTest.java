package io.triagebot.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.testsupport.SyntheticHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The analyzer's ordering rule and the detector registry, over synthetic unit inputs (not recorded hosts). */
class AnalyzerTest {

    private static Finding finding(String pattern, Severity s, Status st, double score) {
        return new Finding(pattern, s, st, pattern, "impact", List.of(), List.of(), List.of(), null, null, score);
    }

    @Test
    void findingsOrderBySeverityThenConfirmedThenScore() {
        List<Finding> f = new ArrayList<>(List.of(
                finding("a", Severity.HIGH, Status.HYPOTHESIS, 50),
                finding("b", Severity.CRITICAL, Status.HYPOTHESIS, 1),
                finding("c", Severity.HIGH, Status.CONFIRMED, 1.1),
                finding("d", Severity.HIGH, Status.CONFIRMED, 3),
                finding("e", Severity.LOW, Status.CONFIRMED, 100),
                finding("f", Severity.CRITICAL, Status.CONFIRMED, 1)));
        f.sort(Analyzer.BY_IMPACT);
        assertEquals(List.of("f", "b", "d", "c", "a", "e"), f.stream().map(Finding::pattern).toList());
    }

    @Test
    void registryHasOneDetectorPerPatternWithTheAgreedIds() {
        Set<String> ids = new HashSet<>();
        for (Detector d : Detectors.standard()) {
            assertTrue(ids.add(d.pattern()), "duplicate pattern " + d.pattern());
        }
        assertEquals(Set.of("swap-death-spiral", "numa-thrashing", "interrupt-storm", "context-switch-explosion",
                "page-cache-pressure", "tcp-collapse", "lock-convoy", "cpu-saturation", "io-stall", "memory-pressure",
                "oom-kill", "thp-compaction-stall", "cgroup-cpu-throttling", "softirq-imbalance", "pid-exhaustion",
                "fd-exhaustion", "ephemeral-port-exhaustion"), ids);
    }

    /** Every detector reads only thresholds that exist (a missing key throws IllegalStateException). */
    @Test
    void everyDetectorRunsOnAnAllZeroHostWithoutThrowing() {
        AnalysisContext ctx = SyntheticHost.allZero(2).context();
        for (Detector d : Detectors.standard()) {
            List<Finding> found = d.detect(ctx);
            assertTrue(found.isEmpty(), d.pattern() + " found something on an all-zero host: " + found);
        }
    }

    @Test
    void everyDetectorFiresOnAMaxedOutHostWithoutThrowing() {
        AnalysisContext ctx = SyntheticHost.maxedOut(4).context();
        for (Detector d : Detectors.standard()) {
            List<Finding> found = d.detect(ctx);
            assertFalse(found.isEmpty(), d.pattern() + " found nothing on a maxed-out host");
            for (Finding f : found) {
                assertEquals(d.pattern(), f.pattern());
                assertFalse(f.title().isBlank());
                assertFalse(f.impact().isBlank());
                assertFalse(f.evidence().isEmpty(), f.pattern() + " has no evidence");
                assertFalse(f.nextCommands().isEmpty(), f.pattern() + " has no next command");
                assertTrue(f.score() >= 1 && Double.isFinite(f.score()), f.pattern() + " score " + f.score());
                assertFalse(f.title().contains("NaN") || f.impact().contains("NaN"), f.title() + " / " + f.impact());
                for (RunbookSuggestion r : f.runbooks()) {
                    for (Map.Entry<String, String> p : r.parameters().entrySet()) {
                        assertFalse(p.getValue().isBlank(), r.id() + "." + p.getKey() + " is blank");
                    }
                }
            }
        }
    }

    @Test
    void everyDetectorSurvivesAHostWithOneSampleOrNoProbesAtAll() {
        AnalysisContext oneSample = new AnalysisContext(withoutSecondSample(), null, Thresholds.builtIn());
        oneSample = new AnalysisContext(oneSample.snapshot(), io.triagebot.analysis.metrics.Metrics.of(oneSample.snapshot()),
                Thresholds.builtIn());
        for (Detector d : Detectors.standard()) {
            d.detect(oneSample);
        }
    }

    @Test
    void anIdleHealthyHostHasNoHighOrCriticalFinding() {
        Report r = new Analyzer(Detectors.standard(), Thresholds.builtIn()).analyze(SyntheticHost.idle(2).snapshot());
        for (Finding f : r.findings()) {
            assertFalse(f.severity().atLeast(Severity.HIGH), f.toString());
        }
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("failed")), r.notes().toString());
    }

    @Test
    void analyzerOrdersDetectorFindingsAndNeverReportsADetectorFailure() {
        Report r = new Analyzer(Detectors.standard(), Thresholds.builtIn()).analyze(SyntheticHost.maxedOut(4).snapshot());
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("detector")), r.notes().toString());
        List<Finding> sorted = new ArrayList<>(r.findings());
        sorted.sort(Analyzer.BY_IMPACT);
        assertEquals(sorted, r.findings());
        assertEquals(Severity.CRITICAL, r.severity());
    }

    private static io.triagebot.snapshot.Snapshot withoutSecondSample() {
        io.triagebot.snapshot.Snapshot s = SyntheticHost.maxedOut(2).snapshot();
        return new io.triagebot.snapshot.Snapshot(s.target(), s.hostname(), s.kernel(), s.collectedAt(), s.uptimeSeconds(),
                Double.NaN, s.first(), null, s.gauges(), s.unavailable(), s.notes(), s.collectionTime());
    }
}
