package io.triagebot.analysis.detectors;

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

/** thp-compaction-stall over synthetic unit hosts (idle() has THP enabled=madvise, defrag=madvise). */
class ThpCompactionStallDetectorTest {

    private final ThpCompactionStallDetector detector = new ThpCompactionStallDetector();

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void compactionStallsAboveTheWarnAreHighWithADefragRunbook() {
        Finding f = one(detector, SyntheticHost.idle(2).vmstatRate("compact_stall", 20).vmstatRate("compact_fail", 5));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        assertEquals(2.0, f.score(), 0.01);
        assertEquals(Map.of("mode", "defer+madvise"), runbook(f, "thp-defrag").parameters());
        noRunbook(f, "thp-enabled");
    }

    @Test
    void manyStallsWithHighSystemTimeAreCriticalAndConfirmed() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(20, 45).vmstatRate("compact_stall", 150)
                .thp("[always] madvise never", "[always] defer defer+madvise madvise never"));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().contains("enabled=always, defrag=always"), f.title());
        assertEquals(Map.of("mode", "madvise"), runbook(f, "thp-enabled").parameters());
        assertEquals(Map.of("mode", "defer+madvise"), runbook(f, "thp-defrag").parameters());
    }

    @Test
    void frequentFallbacksAreHighButAFewAreNoise() {
        is(one(detector, SyntheticHost.idle(2).vmstatRate("thp_fault_alloc", 10).vmstatRate("thp_fault_fallback", 50)),
                Severity.HIGH, Status.HYPOTHESIS);
        none(detector, SyntheticHost.idle(2).vmstatRate("thp_fault_alloc", 1).vmstatRate("thp_fault_fallback", 4));
    }

    @Test
    void noDefragRunbookWhenFaultsAlreadyDefer() {
        noRunbook(one(detector, SyntheticHost.idle(2).vmstatRate("compact_stall", 20)
                .thp("always [madvise] never", "always defer [defer+madvise] madvise never")), "thp-defrag");
    }

    @Test
    void withoutVmstatThereIsNothing() {
        none(detector, SyntheticHost.idle(2).vmstatRate("compact_stall", 200).missingFile("/proc/vmstat", "Permission denied"));
    }
}
