package io.triagebot.analysis.detectors;

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

/** numa-thrashing over synthetic unit hosts with two NUMA nodes of 8 GiB (1 s window). */
class NumaThrashingDetectorTest {

    private final NumaThrashingDetector detector = new NumaThrashingDetector();

    /** Two nodes with {@code remote} of 100,000 allocations/s going to the other node. */
    private static SyntheticHost twoNodes(long remote) {
        return SyntheticHost.idle(4)
                .numaNode(0, 1_000_000, 0, 0, 1_000_000 + 100_000 - remote, remote, 0, 8L << 20, 4L << 20)
                .numaNode(1, 1_000_000, 0, 0, 1_100_000, 0, 0, 8L << 20, 4L << 20)
                .sysctl("kernel/numa_balancing", "1");
    }

    @Test
    void aSingleNodeHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void aQuietTwoNodeHostHasNothing() {
        none(detector, twoNodes(1_000));
    }

    @Test
    void heavyMigrationWithMostlyRemoteHintingFaultsIsHighAndConfirmedWithSystemTime() {
        Finding f = one(detector, twoNodes(1_000).allCpus(30, 40).vmstatRate("numa_hint_faults", 10_000)
                .vmstatRate("numa_hint_faults_local", 3_000).vmstatRate("numa_pages_migrated", 20_000));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(2.0, f.score(), 0.01);
        assertEquals(Map.of("enabled", "0"), runbook(f, "numa-balancing").parameters());
    }

    @Test
    void migrationAboveTheCriticalRateIsCritical() {
        is(one(detector, twoNodes(1_000).vmstatRate("numa_hint_faults", 10_000).vmstatRate("numa_hint_faults_local", 9_000)
                .vmstatRate("numa_pages_migrated", 60_000)), Severity.CRITICAL, Status.HYPOTHESIS);
    }

    @Test
    void aRemoteShareAloneIsAMediumHypothesis() {
        Finding f = one(detector, twoNodes(70_000));
        is(f, Severity.MEDIUM, Status.HYPOTHESIS);
        assertTrue(f.title().contains("35% of allocations remote"), f.title());
    }

    @Test
    void aNodeOutOfMemorySpillingIsHighAndConfirmed() {
        SyntheticHost h = SyntheticHost.idle(4)
                .numaNode(0, 1_000_000, 0, 0, 1_050_000, 0, 0, 8L << 20, 4L << 20)
                .numaNode(1, 1_000_000, 0, 500, 1_010_000, 0, 5_500, 8L << 20, 50_000);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertTrue(f.title().startsWith("NUMA node 1 out of free memory"), f.title());
    }

    @Test
    void withoutNumastatThereIsNothing() {
        none(detector, twoNodes(70_000).without("/sys/devices/system/node/node0/numastat")
                .without("/sys/devices/system/node/node1/numastat"));
    }
}
