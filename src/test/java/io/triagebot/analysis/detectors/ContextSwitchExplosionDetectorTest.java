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

/** context-switch-explosion over synthetic unit hosts (2 CPUs, 1 s window). */
class ContextSwitchExplosionDetectorTest {

    private final ContextSwitchExplosionDetector detector = new ContextSwitchExplosionDetector();

    /** Four pipe ping-pong workers spending most of their CPU in the kernel. */
    private static SyntheticHost switchers(SyntheticHost h) {
        for (int i = 0; i < 4; i++) {
            h.process(2001 + i, "stress-ng-switc", 'R', 500, 500, 505, 540).wchan(2001 + i, 2001 + i, "pipe_read", null);
        }
        return h;
    }

    @Test
    void idleVmRatesAreNormal() {
        // A 2-CPU VM idles at a few thousand switches per second: below PMIE's 4,000 per CPU.
        none(detector, SyntheticHost.idle(2).contextSwitches(1_000_000, 1_007_000));
    }

    @Test
    void aboveThePmieRateWithoutCostIsMediumHypothesis() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(50, 10).contextSwitches(0, 10_000).cpuPressure(5));
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        evidence(f, "context-switch-explosion.warn-per-cpu-per-second = 4,000");
        evidence(f, "no visible cost");
    }

    @Test
    void aboveThePmieRateWithPressureAndAProgramIsHighConfirmed() {
        Finding f = one(detector, switchers(SyntheticHost.idle(2)).allCpus(60, 20).contextSwitches(0, 12_000).cpuPressure(30));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(1.5, f.score(), 0.01);
    }

    @Test
    void criticalRateWithSystemTimeNamesTheSwitchingProgram() {
        Finding f = one(detector, switchers(SyntheticHost.idle(2)).allCpus(15, 70).contextSwitches(0, 1_200_000).cpuPressure(95));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().contains("1,200,000 switches/s (600,000 per CPU)"), f.title());
        assertTrue(f.title().contains("stress-ng-switc (4 processes: pids 2001, 2002, 2003, 2004)"), f.title());
        assertEquals(30.0, f.score(), 0.01, "600k per CPU against the 20k critical threshold");
        evidence(f, "context switches 1,200,000/s in total, 600,000/s per CPU [/proc/stat ctxt, 1.00 s window]");
        assertEquals(Map.of("pid", "2001", "nice", "10"), runbook(f, "renice").parameters());
        Check.command(f, "pidstat -w 1 5");
    }

    @Test
    void highRateWithIdleCpusIsAtMostMedium() {
        Finding f = one(detector, switchers(SyntheticHost.idle(2)).allCpus(5, 35).contextSwitches(0, 100_000).cpuPressure(30));
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
    }

    @Test
    void aLockConvoyMakesItAHypothesisPointingAtLockConvoy() {
        SyntheticHost h = switchers(SyntheticHost.idle(2)).allCpus(15, 70).contextSwitches(0, 200_000).cpuPressure(95);
        h.process(3000, "app", 'S', 100, 100, 105, 110);
        for (int t = 1; t <= 8; t++) {
            h.thread(3000, 3000 + t, "app", 'S', "futex_wait_queue", 'S', "futex_wait_queue");
        }
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "see the lock-convoy finding");
    }

    @Test
    void ioWaitsMakeItAHypothesis() {
        Finding f = one(detector, switchers(SyntheticHost.idle(2)).allCpus(15, 40).contextSwitches(0, 100_000).cpuPressure(30)
                .ioPressure(45, 20));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "likely I/O waits");
    }

    @Test
    void withoutProcessesItCannotBeConfirmed() {
        Finding f = one(detector, SyntheticHost.idle(2).allCpus(15, 70).contextSwitches(0, 1_200_000).cpuPressure(95)
                .commandFailed("tasks", 126, "grep: Argument list too long"));
        is(f, Severity.CRITICAL, Status.HYPOTHESIS);
        evidence(f, "not mapped to processes");
    }

    @Test
    void missingProcStatMeansNoFinding() {
        none(detector, SyntheticHost.idle(2).missingFile("/proc/stat", "Permission denied"));
    }
}
