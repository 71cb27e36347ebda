package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Captured previous values: read from what hosts really print, validated, and refused when odd. */
class ResolvedActionTest {

    static RunbookCatalog catalog;

    @BeforeAll
    static void load() throws Exception {
        catalog = RunbookCatalogLoader.loadBuiltIn();
    }

    static ResolvedAction resolve(String id, Map<String, String> params) throws InvalidParametersException {
        return catalog.resolve(id, params);
    }

    @Test
    void resolveAppliesDefaultsAndNamesWhatIsWrong() throws Exception {
        assertEquals(Map.of("value", "10"), resolve("vm-swappiness", Map.of()).values());
        assertEquals(Map.of("mode", "defer+madvise"), resolve("thp-defrag", Map.of()).values());
        assertEquals("runbook vm-swappiness: parameter 'value' must be a whole number from 0 to 200; got '300'",
                assertThrows(InvalidParametersException.class, () -> resolve("vm-swappiness", Map.of("value", "300")))
                        .getMessage());
        assertTrue(assertThrows(InvalidParametersException.class, () -> resolve("renice", Map.of()))
                .getMessage().startsWith("runbook renice: parameter 'pid' is required"));
        assertTrue(assertThrows(InvalidParametersException.class, () -> resolve("drop-caches", Map.of("level", "3")))
                .getMessage().contains("unknown parameter 'level' (it takes none)"));
        assertTrue(assertThrows(InvalidParametersException.class, () -> resolve("reboot", Map.of()))
                .getMessage().startsWith("no runbook 'reboot'"));
    }

    @Test
    void anActionCannotBeBuiltAroundValidation() {
        Runbook r = catalog.find("vm-swappiness").orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> new ResolvedAction(r, Map.of("value", "$(reboot)")));
        assertThrows(IllegalArgumentException.class, () -> new ResolvedAction(r, Map.of("value", "010")));
        assertThrows(IllegalArgumentException.class, () -> new ResolvedAction(r, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new ResolvedAction(r, Map.of("value", "10", "x", "1")));
        assertEquals("sysctl -w vm.swappiness=10", new ResolvedAction(r, Map.of("value", "10")).humanCommand());
    }

    @Test
    void sysctlCaptureAndRollback() throws Exception {
        ResolvedAction a = resolve("vm-swappiness", Map.of("value", "10"));
        assertEquals(Map.of("value", "60"), a.previousValues("60\n"));
        RenderedScript rollback = a.rollbackWith("60\n");
        assertEquals("sysctl -w vm.swappiness=60", rollback.human());
        assertTrue(rollback.script().endsWith("'sysctl' '-w' 'vm.swappiness=60' </dev/null\n"), rollback.script());
        assertTrue(a.applied("10\n"));
        assertFalse(a.applied("60\n"));
        assertTrue(a.restored("60\n", "60"));
        assertFalse(a.restored("60\n", "10"));
        for (String odd : new String[] {"", "60; reboot", "$(reboot)", "201", "60\n60", "sixty", "-1"}) {
            InvalidParametersException e = assertThrows(InvalidParametersException.class, () -> a.rollbackWith(odd), odd);
            assertTrue(e.getMessage().startsWith("runbook vm-swappiness: the captured value"), e.getMessage());
        }
    }

    @Test
    void thpBracketedModeIsExtracted() throws Exception {
        ResolvedAction a = resolve("thp-defrag", Map.of("mode", "defer+madvise"));
        assertEquals(Map.of("mode", "madvise"), a.previousValues("always defer defer+madvise [madvise] never\n"));
        assertEquals("printf '%s\\n' madvise | tee /sys/kernel/mm/transparent_hugepage/defrag",
                a.rollbackWith("always defer defer+madvise [madvise] never\n").human());
        assertTrue(a.applied("always defer [defer+madvise] madvise never"));
        assertThrows(InvalidParametersException.class, () -> a.rollbackWith("always defer defer+madvise madvise never"));
        assertThrows(InvalidParametersException.class, () -> a.rollbackWith("[rm -rf] never"));
        assertThrows(InvalidParametersException.class, () -> a.rollbackWith("[sometimes] never"));
    }

    @Test
    void schedulerWithOrWithoutBrackets() throws Exception {
        ResolvedAction a = resolve("io-scheduler", Map.of("device", "vda", "scheduler", "bfq"));
        assertEquals(Map.of("scheduler", "mq-deadline"), a.previousValues("none [mq-deadline] kyber bfq \n"));
        assertEquals(Map.of("scheduler", "none"), a.previousValues("none\n"));
        assertEquals("printf '%s\\n' mq-deadline | tee /sys/block/vda/queue/scheduler",
                a.rollbackWith("none [mq-deadline] kyber bfq \n").human());
    }

    @Test
    void reniceReadsNiceFromProcStatEvenWithAHostileCommandName() throws Exception {
        ResolvedAction a = resolve("renice", Map.of("pid", "4242", "nice", "10"));
        String stat = "4242 (evil) 0 0 0 0 0) S 1 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 20 -5 4 0 100 1000 200\n";
        assertEquals(Map.of("nice", "-5"), a.previousValues(stat));
        assertEquals("renice -5 -p 4242", a.rollbackWith(stat).human());
        String niced = "4242 (db) S 1 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 30 10 4 0 100 1000 200\n";
        assertTrue(a.applied(niced));
    }

    @Test
    void tasksetAndIoniceOutputs() throws Exception {
        ResolvedAction t = resolve("taskset", Map.of("pid", "1001", "cpus", "0"));
        assertEquals("taskset -a -c -p 0-3 1001", t.rollbackWith("pid 1001's current affinity list: 0-3\n").human());
        assertTrue(t.applied("pid 1001's current affinity list: 0"));
        ResolvedAction i = resolve("ionice", Map.of("pid", "1001", "class", "idle"));
        assertEquals("ionice -c best-effort -p 1001", i.rollbackWith("best-effort: prio 4\n").human());
        assertEquals("ionice -c none -p 1001", i.rollbackWith("none: prio 0\n").human());
        assertTrue(i.applied("idle\n"));
        // A realtime process cannot be restored by this runbook: refused before anything changes.
        assertThrows(InvalidParametersException.class, () -> i.rollbackWith("realtime: prio 0\n"));
    }

    @Test
    void tcpBuffersRestoreBothTriplesFromTwoLines() throws Exception {
        ResolvedAction a = resolve("tcp-buffers", Map.of("rmem", "4096 131072 16777216", "wmem", "4096 16384 16777216"));
        String before = "4096\t131072\t6291456\n4096\t16384\t4194304\n";
        assertEquals(Map.of("rmem", "4096 131072 6291456", "wmem", "4096 16384 4194304"), a.previousValues(before));
        assertEquals("sysctl -w 'net.ipv4.tcp_rmem=4096 131072 6291456' 'net.ipv4.tcp_wmem=4096 16384 4194304'",
                a.rollbackWith(before).human());
        assertTrue(a.applied("4096\t131072\t16777216\n4096\t16384\t16777216\n"));
        assertThrows(InvalidParametersException.class, () -> a.rollbackWith("4096\t131072\t6291456\n"));
    }

    @Test
    void cpuQuotaIsConvertedFromSystemdsPerSecondForm() throws Exception {
        ResolvedAction a = resolve("unit-cpu-quota", Map.of("unit", "db.service", "cgroup", "/system.slice/db.service", "quota", "700%"));
        assertEquals("systemctl set-property --runtime db.service CPUQuota=200%", a.rollbackWith("2s\n").human());
        assertEquals("systemctl set-property --runtime db.service CPUQuota=150%", a.rollbackWith("1.500000s\n").human());
        assertEquals("systemctl set-property --runtime db.service CPUQuota=50%", a.rollbackWith("500ms\n").human());
        assertEquals("systemctl set-property --runtime db.service CPUQuota=12.5%", a.rollbackWith("125ms\n").human());
        assertEquals("systemctl set-property --runtime db.service CPUQuota=150%", a.rollbackWith("1s 500ms\n").human());
        // No quota before: the rollback lifts ours (CPUQuota= with nothing after it).
        assertEquals("systemctl set-property --runtime db.service CPUQuota=", a.rollbackWith("infinity\n").human());
        assertTrue(a.applied("7s\n"));
        assertFalse(a.applied("infinity\n"));
        for (String odd : new String[] {"", "2", "2 s", "-2s", "2s; reboot", "0", "1us"}) {
            assertThrows(InvalidParametersException.class, () -> a.rollbackWith(odd), odd);
        }
    }

    @Test
    void memoryHighComparesByBytes() throws Exception {
        ResolvedAction a = resolve("unit-memory-high", Map.of("unit", "db.service", "cgroup", "/system.slice/db.service", "limit", "512M"));
        assertEquals("systemctl set-property --runtime db.service MemoryHigh=infinity", a.rollbackWith("infinity\n").human());
        assertTrue(a.applied("536870912\n"));
        assertFalse(a.applied("infinity\n"));
        assertTrue(a.restored("infinity", "infinity\n"));
    }

    @Test
    void oomScoreAdjAndMasks() throws Exception {
        ResolvedAction o = resolve("oom-score-adj", Map.of("pid", "777", "value", "-1000"));
        assertEquals("printf '%s\\n' 0 | tee /proc/777/oom_score_adj", o.rollbackWith("0\n").human());
        ResolvedAction r = resolve("rps-mask", Map.of("interface", "eth0", "mask", "e"));
        assertEquals("rx-0", r.values().get("queue"));
        assertEquals("printf '%s\\n' 00000000,00000000 | tee /sys/class/net/eth0/queues/rx-0/rps_cpus",
                r.rollbackWith("00000000,00000000\n").human());
        assertTrue(r.applied("0e\n"));
        ResolvedAction i = resolve("irq-affinity", Map.of("irq", "36", "cpus", "0"));
        assertTrue(i.restored("0-1\n", "0,1\n"));
    }

    @Test
    void dropCachesHasNoRollback() throws Exception {
        ResolvedAction a = resolve("drop-caches", Map.of());
        assertTrue(a.render().capture().isEmpty());
        assertThrows(IllegalStateException.class, () -> a.rollbackWith("anything"));
        assertEquals("sysctl -w vm.drop_caches=1", a.humanCommand());
    }

    @Test
    void qualityChecksAnswerTheFourQuestions() throws Exception {
        QualityChecks q = resolve("vm-swappiness", Map.of("value", "10")).qualityChecks();
        assertTrue(q.safeForProduction());
        assertFalse(q.persistsAcrossReboot());
        assertTrue(q.persistence().contains("'vm.swappiness = 10' to /etc/sysctl.d/"), q.persistence());
        assertTrue(q.rollback());
        assertEquals("restores the value captured before the change: sysctl -w vm.swappiness={previous}", q.rollbackDetail());
        assertEquals(4, q.lines().size());
        assertTrue(q.lines().get(0).startsWith("Safe for production? Yes (risk low, 1 approval): "), q.lines().get(0));

        QualityChecks drop = catalog.find("drop-caches").orElseThrow().qualityChecks();
        assertFalse(drop.safeForProduction());
        assertFalse(drop.rollback());
        assertTrue(drop.rollbackDetail().startsWith("none: "), drop.rollbackDetail());
        assertTrue(drop.production().contains("cold-cache I/O storm"));
        assertTrue(drop.risk().startsWith("high, 2 approvals"));
        assertFalse(drop.dependencies().isEmpty());

        QualityChecks tcp = catalog.find("tcp-buffers").orElseThrow().qualityChecks();
        assertEquals("restores the value captured before the change: sysctl -w net.ipv4.tcp_rmem={previous.rmem}"
                + " net.ipv4.tcp_wmem={previous.wmem}", tcp.rollbackDetail());
        QualityChecks udev = resolve("io-scheduler", Map.of("device", "sdb")).qualityChecks();
        assertTrue(udev.persistence().contains("KERNEL==\"sdb\", ATTR{queue/scheduler}=\"bfq\""), udev.persistence());
        QualityChecks thp = catalog.find("thp-defrag").orElseThrow().qualityChecks();
        assertEquals("restores the value captured before the change: printf '%s\\n' {previous} | tee"
                + " /sys/kernel/mm/transparent_hugepage/defrag", thp.rollbackDetail());
    }

    @Test
    void everyReversibleRunbookHasAnExpectationOrSaysWhyNot() {
        for (Runbook r : catalog.runbooks()) {
            for (String pattern : r.patterns()) {
                if (r.expectationFor(pattern).isEmpty()) {
                    // pid-max, file-max: no verification metric counts tasks or file handles yet.
                    assertTrue(java.util.Set.of("renice", "taskset", "oom-score-adj", "congestion-control", "pid-max",
                            "file-max").contains(r.id()),
                            r.id() + " has no expected metric for " + pattern);
                }
            }
        }
        Runbook quota = catalog.find("unit-cpu-quota").orElseThrow();
        assertEquals(VerificationMetric.THROTTLED_PERCENT, quota.expectationFor("cgroup-cpu-throttling").orElseThrow().metric());
        assertEquals(VerificationMetric.CPU_PRESSURE_SOME_PERCENT, quota.expectationFor("cpu-saturation").orElseThrow().metric());
    }
}
