package io.triagebot.analysis.detectors;

import static io.triagebot.analysis.detectors.Check.evidence;
import static io.triagebot.analysis.detectors.Check.is;
import static io.triagebot.analysis.detectors.Check.none;
import static io.triagebot.analysis.detectors.Check.noRunbook;
import static io.triagebot.analysis.detectors.Check.one;
import static io.triagebot.analysis.detectors.Check.runbook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.testsupport.SyntheticHost;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** page-cache-pressure over synthetic unit hosts (1 s window; watermark_scale_factor 10). */
class PageCachePressureDetectorTest {

    private final PageCachePressureDetector detector = new PageCachePressureDetector();

    private static SyntheticHost reclaim(double direct, double steal, double refaults) {
        return SyntheticHost.idle(2).vmstatRate("pgscan_direct", direct).vmstatRate("pgsteal_direct", steal)
                .vmstatRate("allocstall_normal", direct > 0 ? 20 : 0).vmstatRate("workingset_refault_file", refaults);
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void kswapdAloneIsLowBackgroundWork() {
        Finding f = one(detector, SyntheticHost.idle(2).vmstatRate("pgscan_kswapd", 2000).vmstatRate("pgsteal_kswapd", 1900));
        is(f, Severity.LOW, Status.HYPOTHESIS);
        evidence(f, "kswapd reclaiming in the background alone");
    }

    @Test
    void directReclaimWithoutStallsIsMedium() {
        is(one(detector, reclaim(500, 450, 0).memoryPressure(2, 0)), Severity.MEDIUM, Status.HYPOTHESIS);
    }

    @Test
    void directReclaimWithRefaultsAndStallsIsHighConfirmed() {
        Finding f = one(detector, reclaim(500, 450, 300).memoryPressure(8, 1));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(1.6, f.score(), 0.01, "PSI some 8% against the 5% warn");
        assertEquals(Map.of("value", "200"), runbook(f, "watermark-scale-factor").parameters());
        assertTrue(runbook(f, "watermark-scale-factor").reason().contains("currently 10"));
        evidence(f, "pgscan_direct 500 pages/s, pgscan_kswapd 0 pages/s, pgsteal 450 pages/s (%vmeff 90%) [/proc/vmstat, 1.00 s window]");
    }

    @Test
    void inefficientHeavyDirectReclaimIsCriticalWithTheLastResort() {
        Finding f = one(detector, reclaim(5000, 500, 300).memoryPressure(4, 0));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().contains("reclaim efficiency 10%"), f.title());
        assertTrue(runbook(f, "drop-caches").parameters().isEmpty());
        assertTrue(runbook(f, "drop-caches").reason().contains("cold-cache I/O storm"));
    }

    @Test
    void heavyStallsWithDirectReclaimAreCritical() {
        is(one(detector, reclaim(500, 450, 300).memoryPressure(25, 5)), Severity.CRITICAL, Status.CONFIRMED);
    }

    @Test
    void noWatermarkRunbookWhenAlreadyRaised() {
        noRunbook(one(detector, reclaim(500, 450, 300).memoryPressure(8, 1).sysctl("vm/watermark_scale_factor", "500")),
                "watermark-scale-factor");
    }

    @Test
    void withoutVmstatThereIsNothing() {
        none(detector, reclaim(5000, 500, 300).missingFile("/proc/vmstat", "Permission denied"));
    }
}
