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

/** oom-kill over synthetic unit hosts (uptime 10,000 s at the first sample, 1 s window). */
class OomKillDetectorTest {

    private final OomKillDetector detector = new OomKillDetector();

    private static final String MEMCG_KILL = "Memory cgroup out of memory: Killed process 4242 (stress-ng-vm) total-vm:798208kB, "
            + "anon-rss:61448kB, file-rss:648kB, shmem-rss:0kB, UID:0 pgtables:596kB oom_score_adj:1000";
    private static final String CONSTRAINT = "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
            + "oom_memcg=/system.slice/batch.service,task_memcg=/system.slice/batch.service,task=stress-ng-vm,pid=4242,uid=0";

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void killsInTheWindowAreCriticalAndNameVictimAndCgroup() {
        SyntheticHost h = SyntheticHost.idle(2).vmstat("oom_kill", 10, 12)
                .cgroupMemory("/system.slice/batch.service", 64L << 20, 64L << 20, 0, 0, 5, 7, 100, 140)
                .kernelLog(10_000.2, "stress-ng-vm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000")
                .kernelLog(10_000.3, CONSTRAINT).kernelLog(10_000.3, MEMCG_KILL);
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("OOM killer killed stress-ng-vm (pid 4242) in memory cgroup /system.slice/batch.service (limit 64 MiB)",
                f.title());
        assertEquals(2.0, f.score(), 0.01);
        evidence(f, "oom_kill +2 in the window [/proc/vmstat, 1.00 s window]");
        evidence(f, "cgroup /system.slice/batch.service oom_kill +2 (7 since created)");
        assertEquals(Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "limit", "58M"), runbook(f, "unit-memory-high").parameters());
        noRunbook(f, "oom-score-adj");
        Check.command(f, "cat /sys/fs/cgroup/system.slice/batch.service/memory.events");
    }

    @Test
    void aKillAMinuteAgoIsHigh() {
        Finding f = one(detector, SyntheticHost.idle(2).kernelLog(9_940, CONSTRAINT).kernelLog(9_940, MEMCG_KILL));
        is(f, Severity.HIGH, Status.CONFIRMED);
        evidence(f, "oom-kill.current-seconds = 300");
    }

    @Test
    void aKillTwentyMinutesAgoIsContext() {
        Finding f = one(detector, SyntheticHost.idle(2).kernelLog(8_800, MEMCG_KILL));
        is(f, Severity.MEDIUM, Status.CONFIRMED);
        assertTrue(f.title().endsWith("killed stress-ng-vm (pid 4242) 20 min ago"), f.title());
    }

    @Test
    void aKillOlderThanTheHorizonIsHistory() {
        none(detector, SyntheticHost.idle(2).kernelLog(2_000, MEMCG_KILL));
    }

    @Test
    void anUntimedLineIsAHypothesis() {
        is(one(detector, SyntheticHost.idle(2).kernelLogUntimed(MEMCG_KILL)), Severity.MEDIUM, Status.HYPOTHESIS);
    }

    @Test
    void aGlobalOomSuggestsSteeringTheKillerAtTheLargestProcess() {
        SyntheticHost h = SyntheticHost.idle(2).vmstat("oom_kill", 3, 4).process(777, "leaky", 'S', 10, 10, 10, 10)
                .rss(777, 1_000_000)
                .kernelLog(10_000.5, "Out of memory: Killed process 778 (worker) total-vm:1048576kB, anon-rss:524288kB, file-rss:0kB");
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.title().endsWith("the whole host ran out of memory"), f.title());
        assertEquals(Map.of("pid", "777", "value", "500"), runbook(f, "oom-score-adj").parameters());
    }

    @Test
    void cgroupV1OomControlCountsKills() {
        SyntheticHost h = SyntheticHost.idle(2).cgroupV1().cgroupV1Memory("/triagebot-lab/oom", 64L << 20, 64L << 20,
                64L << 20, 64L << 20, 40, 43);
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("/triagebot-lab/oom", f.culprit());
        noRunbook(f, "unit-memory-high");
    }

    @Test
    void aCgroupsLifetimeCountAloneIsLow() {
        Finding f = one(detector, SyntheticHost.idle(2).cgroupMemory("/system.slice/old.service", 1L << 20, 64L << 20, 0, 0, 3, 3, 0, 0));
        is(f, Severity.LOW, Status.HYPOTHESIS);
        evidence(f, "since it was created");
    }

    @Test
    void anUnreadableKernelLogAndNoCountersMeanNothing() {
        none(detector, SyntheticHost.idle(2).commandFailed("kernel-log", 1, "dmesg: read kernel buffer failed: Operation not permitted"));
    }
}
