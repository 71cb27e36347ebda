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

/** cpu-saturation over synthetic unit hosts (2 CPUs, 1 s window unless said otherwise). */
class CpuSaturationDetectorTest {

    private final CpuSaturationDetector detector = new CpuSaturationDetector();

    /** Four CPU hogs of one program, each using about half a CPU of user time. */
    private static SyntheticHost hogs(SyntheticHost h) {
        for (int i = 0; i < 4; i++) {
            h.process(1001 + i, "stress-ng-cpu", 'R', 1000, 0, 1049, 0);
        }
        return h;
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void busyButNotQueuedIsNotSaturation() {
        // 65% busy, 2 runnable on 2 CPUs (not more), CPU PSI 10% (below the 20% warn).
        none(detector, SyntheticHost.idle(2).allCpus(60, 5).procs(2, 0).cpuPressure(10));
    }

    @Test
    void runnableAboveCpuCountWithPressureIsHighAndConfirmed() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(95, 3).procs(4, 0).cpuPressure(30));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(1.5, f.score(), 0.01, "CPU PSI 30% over the 20% warn, 3 runnable over 2");
        evidence(f, "CPU PSI some 30% of the time [/proc/pressure/cpu total, 1.00 s window]");
        evidence(f, "cpu-saturation.warn-pressure-some-percent = 20");
    }

    @Test
    void hogsOverTwiceTheCpusAreCriticalAndNamed() {
        Finding f = one(detector, hogs(SyntheticHost.idle(2)).allCpus(97, 2).procs(6, 0).cpuPressure(80));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().contains("stress-ng-cpu (4 processes: pids 1001, 1002, 1003, 1004)"), f.title());
        assertTrue(f.title().contains("196% CPU"), f.title());
        assertTrue(f.impact().contains("5 runnable tasks on 2 CPUs"), f.impact());
        assertEquals("stress-ng-cpu (4 processes: pids 1001, 1002, 1003, 1004)", f.culprit());
        assertEquals(Map.of("pid", "1001", "nice", "10"), runbook(f, "renice").parameters());
        assertEquals(Map.of("pid", "1001", "cpus", "0"), runbook(f, "taskset").parameters());
        Check.command(f, "perf top -p 1001");
        assertEquals(80 / 50.0, f.score(), 0.01);
    }

    @Test
    void kernelBoundSaturationIsOnlyAHypothesisAtMostHigh() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(20, 78).procs(6, 0).cpuPressure(90));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        assertTrue(f.title().startsWith("CPUs saturated by kernel work (78%"), f.title());
        evidence(f, "cpu-saturation.kernel-bound-percent = 30");
    }

    @Test
    void waitingWithIdleCpusIsMediumHypothesis() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(30, 5).cpuPressure(40));
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        assertTrue(f.title().startsWith("Tasks wait for CPU while CPUs show 65% idle"), f.title());
    }

    @Test
    void momentaryRunnableBurstWithIdleCpusIsOnlyANote() {
        // procs_running is one instant: 4 runnable on 2 CPUs while the window shows them 98% idle and
        // nothing measured any wait. That is a LOW note, never an alarm on a healthy host.
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(1, 1).procs(5, 0).cpuPressure(0));
        assertEquals(Severity.LOW, f.severity());
        assertEquals(Status.HYPOTHESIS, f.status());
    }

    @Test
    void runnableCountAloneCannotConfirm() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(97, 2).procs(6, 0).without("/proc/pressure/cpu"));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "CPU pressure not measured");
        evidence(f, "run-queue delay not measured");
    }

    @Test
    void runQueueDelayFromSchedstatConfirms() {
        // 700 ms of waiting per second summed over 2 CPUs: 35% per CPU (warn 20%).
        SyntheticHost h = SyntheticHost.idle(2).allCpus(97, 2).procs(2, 0).without("/proc/pressure/cpu")
                .counterFile("/proc/schedstat",
                        "version 15\ntimestamp 1\ncpu0 0 0 0 0 0 0 1000000000 5000000000 100\ncpu1 0 0 0 0 0 0 1000000000 5000000000 100",
                        "version 15\ntimestamp 2\ncpu0 0 0 0 0 0 0 1900000000 5350000000 200\ncpu1 0 0 0 0 0 0 1900000000 5350000000 200");
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        evidence(f, "run-queue delay 700 ms per second over 2 CPUs (35% per CPU) [/proc/schedstat, 1.00 s window]");
    }

    @Test
    void stealAloneIsMedium() {
        SyntheticHost h = SyntheticHost.idle(2);
        h.cpuTime(0, 40, 5, 0, 0, 0, 20).cpuTime(1, 40, 5, 0, 0, 0, 20);
        Finding f = one(detector, h);
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        assertTrue(f.title().startsWith("CPU steal 20%"), f.title());
    }

    @Test
    void quotaRunbookOnlyForASystemdUnit() {
        SyntheticHost h = hogs(SyntheticHost.idle(2)).allCpus(97, 2).procs(6, 0).cpuPressure(80)
                .cgroupCpu("/system.slice", 0, 0, 0, 0, 1_950_000, 0, 0, 0, null)
                .cgroupCpu("/system.slice/batch.service", 0, 0, 0, 0, 1_900_000, 0, 0, 0, "max 100000");
        Finding f = one(detector, h);
        assertEquals(Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "quota", "100%"), runbook(f, "unit-cpu-quota").parameters());

        SyntheticHost pod = hogs(SyntheticHost.idle(2)).allCpus(97, 2).procs(6, 0).cpuPressure(80)
                .cgroupCpu("/kubepods/pod123", 0, 0, 0, 0, 1_900_000, 0, 0, 0, "max 100000");
        Check.noRunbook(one(detector, pod), "unit-cpu-quota");
    }

    @Test
    void oneSampleMeansNoFinding() {
        SyntheticHost h = SyntheticHost.idle(2).allCpus(97, 2).procs(10, 0).cpuPressure(90);
        io.triagebot.snapshot.Snapshot s = h.snapshot();
        io.triagebot.snapshot.Snapshot single = new io.triagebot.snapshot.Snapshot(s.target(), s.hostname(), s.kernel(),
                s.collectedAt(), s.uptimeSeconds(), Double.NaN, s.first(), null, s.gauges(), s.unavailable(), s.notes(),
                s.collectionTime());
        assertTrue(detector.detect(new io.triagebot.analysis.AnalysisContext(single,
                io.triagebot.analysis.metrics.Metrics.of(single), io.triagebot.analysis.Thresholds.builtIn())).isEmpty());
    }

    @Test
    void missingProcStatMeansNoFinding() {
        none(detector, SyntheticHost.idle(2).missingFile("/proc/stat", "Permission denied"));
    }
}
