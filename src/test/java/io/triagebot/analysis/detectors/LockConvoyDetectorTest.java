package io.triagebot.analysis.detectors;

import static io.triagebot.analysis.detectors.Check.evidence;
import static io.triagebot.analysis.detectors.Check.is;
import static io.triagebot.analysis.detectors.Check.none;
import static io.triagebot.analysis.detectors.Check.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.testsupport.SyntheticHost;
import org.junit.jupiter.api.Test;

/** lock-convoy over synthetic unit hosts (2 CPUs, 1 s window). */
class LockConvoyDetectorTest {

    private final LockConvoyDetector detector = new LockConvoyDetector();

    /**
     * Process 4000 "app" with 8 threads besides its main one: {@code waiting} of them on a futex in both
     * samples, and the given CPU ticks (user, system) over the window.
     */
    private static SyntheticHost app(long userTicks, long systemTicks, int waiting) {
        SyntheticHost h = SyntheticHost.idle(2).allCpus(40, 40).contextSwitches(0, 30_000);
        h.process(4000, "app", 'S', 1000, 1000, 1000 + userTicks, 1000 + systemTicks).wchan(4000, 4000, "do_epoll_wait",
                "do_epoll_wait");
        for (int t = 1; t <= 8; t++) {
            String w = t <= waiting ? "futex_wait_queue" : "hrtimer_nanosleep";
            h.thread(4000, 4000 + t, "app", 'S', w, 'S', w);
        }
        return h;
    }

    @Test
    void manyThreadsOnOneFutexInBothSamplesWithASwitchSurgeIsHighHypothesis() {
        Finding f = one(detector, app(10, 10, 7));
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        assertTrue(f.title().startsWith("Possible lock convoy in app (pid 4000): waiting tasks sleep in futex_wait_queue"), f.title());
        assertEquals("app (pid 4000)", f.culprit());
        assertEquals(3.0, f.score(), 0.01, "30,000 switches/s against the 10,000 proposal");
        evidence(f, "9 tasks: 0 running, 9 waiting with a known wchan, 7 in futex_wait_queue [/proc/PID/task/TID/stat and wchan, first sample]");
        evidence(f, "not confirmed: /proc/lock_stat is unavailable");
        Check.command(f, "perf lock contention -ab -- sleep 5");
        Check.command(f, "bpftrace -e 'tracepoint:syscalls:sys_enter_futex /pid == 4000/");
        Check.command(f, "cat /proc/4000/task/*/stack");
        assertTrue(f.runbooks().isEmpty(), "no generic kernel knob for a lock convoy");
    }

    @Test
    void belowTheSwitchRateThereIsNothing() {
        none(detector, app(10, 10, 7).contextSwitches(0, 8_000));
    }

    @Test
    void anIdleThreadPoolIsNotAConvoy() {
        // Parked threads of an idle pool: all on a futex, no CPU at all.
        none(detector, app(0, 0, 8));
    }

    @Test
    void aBusyProgramWithAnIdlePoolIsNotAConvoy() {
        // Busy in user space (a JVM computing), its pool threads parked: the kernel share is too small.
        none(detector, app(40, 2, 8));
    }

    @Test
    void fewerThanHalfTheThreadsOnTheLockIsNotAConvoy() {
        none(detector, app(10, 10, 3));
    }

    @Test
    void singleThreadedWorkersSeenOnceOnTheLockCountWhenTheySpinInTheKernel() {
        SyntheticHost h = SyntheticHost.idle(2).allCpus(15, 80).contextSwitches(0, 120_000);
        for (int i = 0; i < 6; i++) {
            h.process(5000 + i, "stress-ng-futex", 'R', 100, 100, 103, 130).wchan(5000 + i, 5000 + i, null, i < 2 ? "futex_do_wait" : null);
        }
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        assertTrue(f.culprit().startsWith("stress-ng-futex (6 processes"), f.culprit());
        evidence(f, "holds only among the tasks that were waiting");
    }

    @Test
    void unrelatedProcessesSharingANameAreNotOneConvoy() {
        // A busy single-threaded python3 and an idle multi-threaded python3 whose threads are parked.
        SyntheticHost h = SyntheticHost.idle(2).allCpus(40, 40).contextSwitches(0, 30_000);
        h.process(6000, "python3", 'R', 100, 100, 130, 140).wchan(6000, 6000, null, null);
        h.process(6001, "python3", 'S', 100, 100, 100, 100);
        for (int t = 1; t <= 8; t++) {
            h.thread(6001, 6001 + t, "python3", 'S', "futex_wait_queue", 'S', "futex_wait_queue");
        }
        none(detector, h);
    }

    @Test
    void lockStatConfirmsAndNamesTheLock() {
        SyntheticHost h = app(10, 10, 7).lockStat("""
                lock_stat version 0.4
                ---------------------------------------------------------------------
                                              class name    con-bounces    contentions   waittime-min   waittime-max waittime-total   waittime-avg    acq-bounces   acquisitions   holdtime-min   holdtime-max holdtime-total   holdtime-avg
                ---------------------------------------------------------------------

                                         &mm->mmap_lock-W:           338            338           0.22        1284.48       41290.63         122.16          15143          40568           0.00         100.94       48795.37           1.20""");
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().startsWith("Lock convoy in app"), f.title());
        evidence(f, "most contended kernel lock: &mm->mmap_lock-W, 338 contentions, 41 ms waited in total");
    }

    @Test
    void withoutThreadsThereIsNothing() {
        none(detector, app(10, 10, 7).commandFailed("tasks", 126, "grep: Argument list too long"));
    }

    @Test
    void lockStatParserSkipsHeadersAndIdleClasses() {
        assertEquals(null, LockConvoyDetector.lockStat(java.util.List.of("lock_stat version 0.4", "  &x:  0  0  0.00  0.00  0.00  0.00  0  0  0  0  0  0")));
        assertEquals(null, LockConvoyDetector.lockStat(null));
    }
}
