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

/** swap-death-spiral over synthetic unit hosts (1 s window; idle() has 2 GiB of unused swap, swappiness 60). */
class SwapDeathSpiralDetectorTest {

    private final SwapDeathSpiralDetector detector = new SwapDeathSpiralDetector();

    /** First sample vmstat pswpin 1000, second 1000 + in; likewise pswpout and pgmajfault. */
    private static SyntheticHost swapping(long in, long out, long majorFaults) {
        return SyntheticHost.idle(2).vmstat("pswpin", 1000, 1000 + in).vmstat("pswpout", 1000, 1000 + out)
                .vmstat("pgmajfault", 1000, 1000 + majorFaults);
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void aTrickleOfSwapOutIsLowAndHealthy() {
        Finding f = one(detector, swapping(0, 10, 0));
        is(f, Severity.LOW, Status.HYPOTHESIS);
        evidence(f, "swap-death-spiral.pmie-swap-out-pages-per-second = 5");
        evidence(f, "cold pages leaving is healthy");
    }

    @Test
    void bothDirectionsAboveTheWarnWithStallsIsHighAndConfirmed() {
        Finding f = one(detector, swapping(60, 60, 80).memoryPressure(12, 2));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(1.2, f.score(), 0.01, "120 pages/s against the 100 pages/s warn");
    }

    @Test
    void withoutMemoryStallsItIsNotConfirmed() {
        Finding f = one(detector, swapping(60, 60, 80).memoryPressure(3, 0));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "memory PSI full is 0");
    }

    @Test
    void aStormWithFullStallsIsCriticalWithQuantifiedImpact() {
        Finding f = one(detector, swapping(4200, 3900, 4000).memoryPressure(60, 23));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("swap-in 4,200 pages/s (16 MiB/s), swap-out 3,900 pages/s (15 MiB/s), major faults 4,000/s, "
                + "memory PSI full 23%, swap 0% used", f.impact());
        evidence(f, "pswpin 4,200 pages/s, pswpout 3,900 pages/s [/proc/vmstat, 1.00 s window]");
        evidence(f, "swap-death-spiral.critical-swap-pages-per-second = 1,000");
        assertEquals(3.9, f.score(), 0.01, "the weaker direction, 3,900 pages/s, against 1,000");
        assertEquals(Map.of("value", "10"), runbook(f, "vm-swappiness").parameters());
        assertTrue(runbook(f, "vm-swappiness").reason().contains("currently 60"));
    }

    @Test
    void theCgroupWhoseSwapGrowsIsTheCulpritAndGetsAMemoryHighRunbook() {
        SyntheticHost h = swapping(4200, 3900, 4000).memoryPressure(60, 23)
                .cgroupMemory("/system.slice", 600L << 20, -1, 100L << 20, 160L << 20, 0, 0, 0, 0)
                .cgroupMemory("/system.slice/batch.service", 512L << 20, 512L << 20, 100L << 20, 150L << 20, 0, 0, 0, 40);
        Finding f = one(detector, h);
        assertEquals("/system.slice/batch.service", f.culprit());
        assertTrue(f.title().startsWith("Swap storm in cgroup /system.slice/batch.service: swap-in 4,200 pages/s"), f.title());
        evidence(f, "cgroup /system.slice/batch.service: swap 150 MiB (+50 MiB in the window), memory 512 MiB of its 512 MiB limit");
        assertEquals(Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "limit", "512M"), runbook(f, "unit-memory-high").parameters());
    }

    @Test
    void aCgroupV1GroupIsNamedFromMemswWithoutAnInventedUnit() {
        SyntheticHost h = swapping(48_000, 48_000, 48_000).memoryPressure(40, 24).cgroupV1()
                .cgroupV1Memory("/triagebot-lab/swap-storm", 256L << 20, 256L << 20, (256L << 20) + (100L << 20),
                        (256L << 20) + (300L << 20), 0, 0);
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("/triagebot-lab/swap-storm", f.culprit());
        noRunbook(f, "unit-memory-high");
        Check.command(f, "/sys/fs/cgroup/memory/triagebot-lab/swap-storm/memory.stat");
    }

    @Test
    void heavySwapOutAloneIsMediumHypothesis() {
        is(one(detector, swapping(0, 2000, 0)), Severity.MEDIUM, Status.HYPOTHESIS);
    }

    @Test
    void swapUsageWithoutMovementIsAHypothesisOnly() {
        Finding medium = one(detector, SyntheticHost.idle(2).meminfo("SwapFree", 2L * 1024 * 1024 / 20));
        is(medium, Severity.MEDIUM, Status.HYPOTHESIS);
        evidence(medium, "swap usage alone may be stale");
        is(one(detector, SyntheticHost.idle(2).meminfo("SwapFree", 10_000)), Severity.HIGH, Status.HYPOTHESIS);
    }

    @Test
    void noSwappinessRunbookWhenItIsAlreadyLow() {
        noRunbook(one(detector, swapping(4200, 3900, 4000).memoryPressure(60, 23).sysctl("vm/swappiness", "1")), "vm-swappiness");
    }

    @Test
    void withoutVmstatOnlyTheGaugesRemain() {
        none(detector, SyntheticHost.idle(2).missingFile("/proc/vmstat", "Permission denied"));
    }
}
