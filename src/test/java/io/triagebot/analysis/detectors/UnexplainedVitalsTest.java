package io.triagebot.analysis.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.analysis.Thresholds;
import io.triagebot.testsupport.SyntheticHost;
import java.util.List;
import org.junit.jupiter.api.Test;

/** unexplained-load: abnormal vitals no finding explains, with the blocked tasks summarised. */
class UnexplainedVitalsTest {

    private static Report analyze(SyntheticHost h) {
        return new Analyzer(Detectors.standard(), Thresholds.builtIn()).analyze(h.snapshot());
    }

    /** 16 tasks frozen in uninterruptible sleep by the v1 freezer: load 16, no I/O, idle CPUs. */
    private static SyntheticHost frozen() {
        SyntheticHost h = SyntheticHost.idle(2).procs(1, 16).loadavg(16.1, 12, 5);
        StringBuilder cgroups = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            h.process(5000 + i, "sleep", 'D', 0, 0, 0, 0).thread(5000 + i, 5000 + i, "sleep", 'D', "__refrigerator", 'D',
                    "__refrigerator");
            cgroups.append("/proc/").append(5000 + i).append("/cgroup:7:freezer:/triagebot-lab/freezer\n")
                    .append("/proc/").append(5000 + i).append("/cgroup:0::/\n");
        }
        return h.command("process-cgroups", cgroups.toString(), null);
    }

    @Test
    void frozenTasksAreNamedWithTheirWaitChannelCgroupAndDurationAndNothingElseIsClaimed() {
        Report r = analyze(frozen());
        Finding f = r.findings().get(0);
        assertEquals(UnexplainedVitals.PATTERN, f.pattern(), r.findings().toString());
        assertEquals(Severity.MEDIUM, f.severity());
        assertEquals(Status.HYPOTHESIS, f.status());
        assertTrue(f.title().contains("16 tasks blocked (D state) on 2 CPUs"), f.title());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("16 task(s) blocked in __refrigerator within cgroup"
                + " /triagebot-lab/freezer, 16 of them in both samples")), f.evidence().toString());
        List<String> patterns = r.findings().stream().map(Finding::pattern).toList();
        assertFalse(patterns.contains("io-stall"), "no I/O stall without I/O: " + patterns);
        assertFalse(patterns.contains("cpu-saturation"), "no CPU saturation with idle CPUs: " + patterns);
    }

    @Test
    void anOomKillInTheLogDoesNotExplainTasksBlockedNow() {
        Report r = analyze(frozen().kernelLog(9_990,
                "Out of memory: Killed process 4242 (batch) total-vm:1048576kB, anon-rss:524288kB, file-rss:0kB"));
        assertTrue(r.findings().stream().anyMatch(f -> f.pattern().equals("oom-kill")), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.pattern().equals(UnexplainedVitals.PATTERN)), r.findings().toString());
    }

    @Test
    void aHealthyHostAndAnExplainedLoadHaveNone() {
        assertTrue(analyze(SyntheticHost.idle(2)).findings().stream().noneMatch(f -> f.pattern().equals(UnexplainedVitals.PATTERN)));
        Report busy = analyze(SyntheticHost.maxedOut(4));
        assertTrue(busy.findings().stream().noneMatch(f -> f.pattern().equals(UnexplainedVitals.PATTERN)),
                "a maxed-out host's load is explained by its findings");
    }
}
