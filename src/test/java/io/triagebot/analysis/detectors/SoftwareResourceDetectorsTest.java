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

/** pid-exhaustion, fd-exhaustion and ephemeral-port-exhaustion over synthetic unit hosts. */
class SoftwareResourceDetectorsTest {

    private final PidExhaustionDetector pids = new PidExhaustionDetector();
    private final FdExhaustionDetector fds = new FdExhaustionDetector();
    private final EphemeralPortExhaustionDetector ports = new EphemeralPortExhaustionDetector();

    @Test
    void idleHostHasNone() {
        SyntheticHost h = SyntheticHost.idle(2).sysctl("kernel/pid_max", "32768").sysctl("kernel/threads-max", "190000")
                .sysctl("fs/file-nr", "2400\t0\t2466286").sysctl("fs/file-max", "2466286")
                .sysctl("net/ipv4/ip_local_port_range", "32768\t60999");
        none(pids, h);
        none(fds, h);
        none(ports, h);
    }

    @Test
    void tasksNearPidMaxAreCritical() {
        // /proc/loadavg's "1/180": 180 tasks in existence against pid_max 185.
        Finding f = one(pids, SyntheticHost.idle(2).sysctl("kernel/pid_max", "185").sysctl("kernel/threads-max", "190000"));
        is(f, Severity.CRITICAL, Status.HYPOTHESIS);
        assertTrue(f.title().contains("kernel.pid_max"), f.title());
        assertEquals(Map.of("value", "32768"), runbook(f, "pid-max").parameters());
    }

    @Test
    void aCgroupRefusingForksInTheWindowIsCriticalAndConfirmed() {
        Finding f = one(pids, SyntheticHost.idle(2)
                .counterFile("/sys/fs/cgroup/pids/triagebot-lab/pids/pids.current", "16", "16")
                .counterFile("/sys/fs/cgroup/pids/triagebot-lab/pids/pids.max", "16", "16")
                .counterFile("/sys/fs/cgroup/pids/triagebot-lab/pids/pids.events", "max 40", "max 52"));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("/triagebot-lab/pids", f.culprit());
        assertTrue(f.impact().startsWith("12 forks refused in the window"), f.impact());
    }

    @Test
    void aCgroupNearItsLimitWithoutRefusalsIsHighAndUnlimitedOnesAreIgnored() {
        is(one(pids, SyntheticHost.idle(2)
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.current", "95", "95")
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.max", "100", "100")
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.events", "max 0", "max 0")),
                Severity.HIGH, Status.HYPOTHESIS);
        none(pids, SyntheticHost.idle(2)
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.current", "95", "95")
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.max", "max", "max")
                .counterFile("/sys/fs/cgroup/system.slice/db.service/pids.events", "max 0", "max 0"));
    }

    @Test
    void fileHandlesPastTheMixinsCriticalAreCriticalWithARunbook() {
        Finding f = one(fds, SyntheticHost.idle(2).sysctl("fs/file-nr", "9500\t0\t10000").sysctl("fs/file-max", "10000"));
        is(f, Severity.CRITICAL, Status.HYPOTHESIS);
        assertEquals(Map.of("value", "20000"), runbook(f, "file-max").parameters());
    }

    @Test
    void aTopHolderAtItsOwnLimitIsNamed() {
        StringBuilder ls = new StringBuilder("/proc/1000/fd:\n");
        for (int i = 0; i < 1024; i++) {
            ls.append(i).append('\n');
        }
        ls.append("\n/proc/1001/fd:\n0\n1\n2\n");
        Finding f = one(fds, SyntheticHost.idle(2)
                .command("open-fds", ls.toString(), null)
                .command("fd-limits", "/proc/1000/limits:Max open files            1024                 524288               files\n"
                        + "/proc/1001/limits:Max open files            1024                 524288               files\n", null));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertTrue(f.culprit().contains("pid 1000"), f.culprit());
    }

    @Test
    void portsToOneDestinationFillingTheRangeAreCritical() {
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        // 0100007F:1F90 is 127.0.0.1:8080; local ports 40000..40099 (0x9C40..), half in TIME_WAIT.
        for (int i = 0; i < 100; i++) {
            tcp.append(String.format("   %d: 0100007F:%04X 0100007F:1F90 %s 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1%n",
                    i, 40000 + i, i % 2 == 0 ? "06" : "01"));
        }
        tcp.append("   100: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1\n");
        Finding f = one(ports, SyntheticHost.idle(2).sysctl("net/ipv4/ip_local_port_range", "40000\t40099")
                .command("tcp-sockets", tcp.toString(), null));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("127.0.0.1:8080", f.culprit());
        assertTrue(f.impact().contains("50 in TIME_WAIT"), f.impact());
        assertTrue(f.longTermFix().contains("ip_local_port_range"), f.longTermFix());
        none(ports, SyntheticHost.idle(2).sysctl("net/ipv4/ip_local_port_range", "32768\t60999")
                .command("tcp-sockets", tcp.toString(), null));
    }
}
