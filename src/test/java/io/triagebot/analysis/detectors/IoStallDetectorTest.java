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

/** io-stall over synthetic unit hosts (idle() has vda: rotational, mq-deadline, 256 requests, 128 KiB read-ahead). */
class IoStallDetectorTest {

    private final IoStallDetector detector = new IoStallDetector();

    /** A writer in D state on an I/O wait channel in both samples. */
    private static SyntheticHost writer(SyntheticHost h) {
        return h.process(8000, "pg_wal", 'D', 10, 10, 10, 12).wchan(8000, 8000, "io_schedule", "io_schedule")
                .thread(8000, 8000, "pg_wal", 'D', "io_schedule", 'D', "io_schedule");
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void aSlowQueuedDiskWithStalledTasksIsCriticalAndConfirmed() {
        SyntheticHost h = writer(SyntheticHost.idle(2)).diskIo("vda", 50, 200, 45, 6, 100).ioPressure(40, 15);
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().startsWith("I/O stall on vda: await 45 ms, queue depth 6.00 (pg_wal pid 8000 in D state on io_schedule)"),
                f.title());
        assertEquals("vda (pg_wal pid 8000)", f.culprit());
        evidence(f, "vda: r/s 50, w/s 200, rkB/s 200, wkB/s 800, await 45 ms, aqu-sz 6.00");
        evidence(f, "io-stall.warn-await-ms-rotational = 20");
        assertEquals(Map.of("device", "vda", "scheduler", "bfq"), runbook(f, "io-scheduler").parameters());
        assertEquals(Map.of("pid", "8000", "class", "idle"), runbook(f, "ionice").parameters());
        Check.command(f, "cat /proc/8000/task/8000/stack");
    }

    @Test
    void aDeviceStallWithoutMeasuredTaskStallsIsHighHypothesis() {
        Finding f = one(detector, SyntheticHost.idle(2).diskIo("vda", 50, 200, 45, 6, 100));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        assertEquals(45 / 20.0, f.score(), 0.01);
    }

    @Test
    void flashDevicesHaveATighterBudget() {
        SyntheticHost h = SyntheticHost.idle(2).blockQueue("nvme0n1", "[none] mq-deadline", false, 1023, 128)
                .diskIo("nvme0n1", 1000, 1000, 8, 3, 100);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "io-stall.warn-await-ms-ssd = 5");
        noRunbook(f, "io-scheduler");
    }

    @Test
    void slowButUnqueuedIsNotAStall() {
        none(detector, SyntheticHost.idle(2).diskIo("vda", 5, 5, 45, 0.4, 40));
    }

    @Test
    void iowaitAloneIsMediumHypothesis() {
        SyntheticHost h = SyntheticHost.idle(2);
        h.cpuTime(0, 5, 5, 45, 0, 0, 0).cpuTime(1, 5, 5, 45, 0, 0, 0);
        Finding f = one(detector, h);
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        evidence(f, "io-stall.iowait-percent = 40, ND");
    }

    @Test
    void measuredFullStallsOnAFastDiskPointAtSynchronousWrites() {
        Finding f = one(detector, SyntheticHost.idle(2).diskIo("vda", 0, 10_000, 0.07, 0.8, 50).ioPressure(40, 30));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        evidence(f, "synchronous writes and flushes");
    }

    @Test
    void aHungTaskLineNeedsACurrentIoProblem() {
        String hung = "INFO: task pg_wal:8000 blocked for more than 120 seconds.";
        none(detector, SyntheticHost.idle(2).kernelLog(9_900, hung));
        Finding f = one(detector, SyntheticHost.idle(2).diskIo("vda", 50, 200, 45, 6, 100).kernelLog(9_900, hung));
        is(f, Severity.CRITICAL, Status.HYPOTHESIS);
        evidence(f, "blocked for more than 120 seconds");
    }

    @Test
    void aFullQueueSuggestsMoreRequests() {
        SyntheticHost h = SyntheticHost.idle(2).diskIo("vda", 50, 200, 45, 250, 100);
        assertEquals(Map.of("device", "vda", "value", "512"), runbook(one(detector, h), "nr-requests").parameters());
    }

    @Test
    void withoutBlockStatsOrPressureThereIsNothing() {
        none(detector, SyntheticHost.idle(2).without("/sys/block/vda/stat").without("/proc/pressure/io"));
    }
}
