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

/** softirq-imbalance over synthetic unit hosts (4 CPUs, 1 s window). */
class SoftirqImbalanceDetectorTest {

    private final SoftirqImbalanceDetector detector = new SoftirqImbalanceDetector();

    /** CPU 0 spends {@code soft}% in softirq, the others 2%; NET_RX dominates CPU 0; eth0 receives. */
    private static SyntheticHost pinned(double soft) {
        SyntheticHost h = SyntheticHost.idle(4).softirqRate("NET_RX", new long[] {90_000, 100, 100, 100});
        h.cpuTime(0, 5, 5, 0, 0, soft, 0);
        for (int c = 1; c < 4; c++) {
            h.cpuTime(c, 5, 5, 0, 0, 2, 0);
        }
        return h.netDevFile(netDev(0), netDev(90_000));
    }

    private static String netDev(long packets) {
        return "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
                + "    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n"
                + "  eth0: " + (packets * 1000) + " " + packets + " 0 0 0 0 0 0 5000 50 0 0 0 0 0 0";
    }

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(4));
    }

    @Test
    void networkSoftirqPiledOnOneCpuIsHighWithAnRpsMask() {
        Finding f = one(detector, pinned(45));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertTrue(f.title().startsWith("Softirq work piled on CPU 0: 45% softirq, mostly NET_RX"), f.title());
        assertEquals("CPU 0 (eth0)", f.culprit());
        assertEquals(Map.of("interface", "eth0", "queue", "rx-0", "mask", "e"), runbook(f, "rps-mask").parameters());
        assertEquals(1.5, f.score(), 0.01);
        Check.command(f, "cat /sys/class/net/eth0/queues/rx-*/rps_cpus");
    }

    @Test
    void aboveEightyPercentIsCritical() {
        is(one(detector, pinned(85)), Severity.CRITICAL, Status.CONFIRMED);
    }

    @Test
    void evenlySpreadSoftirqIsNotAnImbalance() {
        SyntheticHost h = SyntheticHost.idle(4);
        for (int c = 0; c < 4; c++) {
            h.cpuTime(c, 5, 5, 0, 0, 35, 0);
        }
        none(detector, h);
    }

    @Test
    void softnetDropsAreHighAndConfirmed() {
        long[][] before = {{1000, 0, 0}, {1000, 0, 0}, {1000, 0, 0}, {1000, 0, 0}};
        long[][] after = {{2000, 0, 0}, {9000, 25, 3}, {2000, 0, 0}, {2000, 0, 0}};
        Finding f = one(detector, SyntheticHost.idle(4).softnetFile(SyntheticHost.softnetRows(before), SyntheticHost.softnetRows(after)));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertTrue(f.title().startsWith("Packet backlog on CPU 1: softnet dropping 25 packets/s"), f.title());
        evidence(f, "softirq-imbalance.warn-dropped-per-second = 10");
    }

    @Test
    void timerSoftirqIsNotANetworkProblem() {
        SyntheticHost h = SyntheticHost.idle(4).softirqRate("TIMER", new long[] {90_000, 10, 10, 10});
        h.cpuTime(0, 5, 5, 0, 0, 45, 0);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        Check.noRunbook(f, "rps-mask");
    }

    @Test
    void missingStatAndSoftnetMeanNoFinding() {
        none(detector, pinned(45).missingFile("/proc/stat", "Permission denied"));
    }
}
