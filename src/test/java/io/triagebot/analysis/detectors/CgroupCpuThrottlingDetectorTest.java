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

/** cgroup-cpu-throttling over synthetic unit hosts (1 s window, 100 ms CFS periods). */
class CgroupCpuThrottlingDetectorTest {

    private final CgroupCpuThrottlingDetector detector = new CgroupCpuThrottlingDetector();

    /** batch.service with a 0.5 CPU quota: 10 periods in the window, {@code throttled} of them throttled. */
    private static SyntheticHost batch(long throttled) {
        return SyntheticHost.idle(2).cgroupCpu("/system.slice/batch.service", 1_000_000, 500, 100, 1_000_000,
                1_500_000, 510, 100 + throttled, 1_000_000 + throttled * 50_000, "50000 100000");
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void belowTheKubernetesRatioThereIsNothing() {
        none(detector, batch(2));
    }

    @Test
    void aboveTheKubernetesRatioIsHighConfirmedAndNamesTheQuota() {
        Finding f = one(detector, batch(3));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals("CPU quota throttling in /system.slice/batch.service: throttled in 30% of periods (quota 0.50 CPU, using 0.50 CPU)",
                f.title());
        assertEquals("/system.slice/batch.service", f.culprit());
        evidence(f, "cgroup-cpu-throttling.warn-throttled-percent = 25, KM CPUThrottlingHigh");
        assertEquals(Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "quota", "100%"), runbook(f, "unit-cpu-quota").parameters());
        Check.command(f, "cat /sys/fs/cgroup/system.slice/batch.service/cpu.stat");
    }

    @Test
    void heavyThrottlingWithTheGroupsOwnPressureIsCritical() {
        Finding f = one(detector, batch(8).cgroupPressure("/system.slice/batch.service", 40, 0, 0));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals(1.6, f.score(), 0.01, "80% throttled against the 50% critical ratio");
    }

    @Test
    void withoutTheGroupsPressureItStopsAtHigh() {
        Finding f = one(detector, batch(8));
        is(f, Severity.HIGH, Status.CONFIRMED);
        evidence(f, "severity stops at HIGH");
    }

    @Test
    void cgroupV1GroupIsNamedWithItsQuotaAndNoInventedUnit() {
        SyntheticHost h = SyntheticHost.idle(2).cgroupV1().cgroupV1Cpu("/triagebot-lab/cpu-quota", 100, 90, 110, 100,
                1_700_000_000L, 20_000, 100_000);
        Finding f = one(detector, h);
        assertTrue(f.title().startsWith("CPU quota throttling in /triagebot-lab/cpu-quota: throttled in 100% of periods (quota 0.20 CPU"),
                f.title());
        noRunbook(f, "unit-cpu-quota");
        Check.command(f, "cat /sys/fs/cgroup/cpu/triagebot-lab/cpu-quota/cpu.cfs_quota_us");
    }

    @Test
    void tooFewPeriodsToJudge() {
        none(detector, SyntheticHost.idle(2).cgroupCpu("/system.slice/x.service", 0, 10, 0, 0, 10, 12, 2, 100, "50000 100000"));
    }

    @Test
    void withoutCgroupFilesThereIsNothing() {
        none(detector, batch(8).cgroupV1());
    }
}
