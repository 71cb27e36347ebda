package io.triagebot.analysis.detectors;

import static io.triagebot.analysis.detectors.Check.evidence;
import static io.triagebot.analysis.detectors.Check.is;
import static io.triagebot.analysis.detectors.Check.none;
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

/** memory-pressure over synthetic unit hosts (8 GiB, 6 GiB available, 1 s window). */
class MemoryPressureDetectorTest {

    private final MemoryPressureDetector detector = new MemoryPressureDetector();

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void measuredStallsGradeBySomeAndFull() {
        is(one(detector, SyntheticHost.idle(2).memoryPressure(7, 0)), Severity.MEDIUM, Status.CONFIRMED);
        is(one(detector, SyntheticHost.idle(2).memoryPressure(25, 3)), Severity.HIGH, Status.CONFIRMED);
        Finding critical = one(detector, SyntheticHost.idle(2).memoryPressure(90, 65));
        is(critical, Severity.CRITICAL, Status.CONFIRMED);
        evidence(critical, "memory-pressure.critical-pressure-full-percent = 60, OOMD");
        assertTrue(critical.title().startsWith("Memory pressure on the host: tasks stalled 90% of the time"), critical.title());
    }

    @Test
    void lowAvailableMemoryAloneIsAHypothesis() {
        Finding f = one(detector, SyntheticHost.idle(2).meminfo("MemAvailable", 8L * 1024 * 1024 / 20));
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        evidence(f, "memory-pressure.warn-available-percent = 10, ND");
        evidence(f, "low MemAvailable alone");
    }

    @Test
    void almostNoAvailableMemoryWithStallsIsCritical() {
        is(one(detector, SyntheticHost.idle(2).meminfo("MemAvailable", 80_000).memoryPressure(8, 1)), Severity.CRITICAL,
                Status.CONFIRMED);
    }

    @Test
    void aCgroupHittingItsLimitIsNamedAndGetsAMemoryHighBelowItsMax() {
        SyntheticHost h = SyntheticHost.idle(2)
                .cgroupMemory("/system.slice", 600L << 20, -1, 0, 0, 0, 0, 10, 90)
                .cgroupMemory("/system.slice/api.service", 512L << 20, 512L << 20, 0, 0, 0, 0, 10, 90)
                .cgroupPressure("/system.slice", 0, 35, 0)
                .cgroupPressure("/system.slice/api.service", 0, 34, 0);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals("/system.slice/api.service", f.culprit(), "the child explains the parent's stalls");
        assertTrue(f.title().contains("at 100% of its 512 MiB limit"), f.title());
        assertEquals(Map.of("unit", "api.service", "cgroup", "/system.slice/api.service", "limit", "461M"), runbook(f, "unit-memory-high").parameters());
    }

    @Test
    void withoutPsiAndWithPlentyOfMemoryThereIsNothing() {
        none(detector, SyntheticHost.idle(2).without("/proc/pressure/memory"));
    }
}
