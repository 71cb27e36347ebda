package io.triagebot.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.snapshot.KernelLogLine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscalationScannerTest {

    /** Lines as kernels print them (from kernel sources' printk formats). */
    static final Map<String, List<String>> EXAMPLES = Map.of(
            "kernel-oops", List.of("BUG: unable to handle page fault for address: ffff8881", "Oops: 0002 [#1] SMP PTI",
                    "kernel BUG at mm/slub.c:412!", "Kernel panic - not syncing: Fatal exception",
                    "general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP"),
            "soft-lockup", List.of("watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [java:4242]"),
            "hard-lockup", List.of("NMI watchdog: Watchdog detected hard LOCKUP on cpu 5"),
            "hung-task", List.of("INFO: task jbd2/sda1-8:312 blocked for more than 120 seconds."),
            "rcu-stall", List.of("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
                    "rcu: INFO: rcu_preempt self-detected stall on CPU"),
            "workqueue-lockup", List.of("BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 31s!"),
            "oom-kill", List.of("java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
                    "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0",
                    "Memory cgroup out of memory: Killed process 4242 (stress-ng) total-vm:1024kB",
                    "Out of memory: Kill process 1234 (mysqld) score 900 or sacrifice child"),
            "hardware-error", List.of("mce: [Hardware Error]: Machine check events logged",
                    "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0"),
            "storage-error", List.of("nvme nvme0: I/O 12 QID 3 timeout, aborting".replace("nvme nvme0", "nvme0"),
                    "nvme0: I/O 23 QID 1 timeout, reset controller", "blk_update_request: I/O error, dev sda, sector 123",
                    "sd 0:0:0:0: timing out command, waited 180s"),
            "irq-nobody-cared", List.of("irq 19: nobody cared (try booting with the \"irqpoll\" option)",
                    "Disabling IRQ #19"));

    @Test
    void everyTriggerRecognisesTheKernelsWording() {
        EscalationScanner scanner = new EscalationScanner(Thresholds.builtIn());
        EXAMPLES.forEach((trigger, lines) -> {
            for (String line : lines) {
                List<Escalation> found = scanner.scan(List.of(new KernelLogLine(100, line)), 110);
                assertEquals(1, found.size(), line);
                assertEquals(trigger, found.get(0).trigger(), line);
                assertEquals(10, found.get(0).ageSeconds(), 1e-9);
                assertTrue(found.get(0).recent());
            }
        });
    }

    @Test
    void oldLinesAreHistoryAndCountsAccumulate() {
        EscalationScanner scanner = new EscalationScanner(Thresholds.builtIn());
        List<Escalation> found = scanner.scan(List.of(
                new KernelLogLine(10, "INFO: task a:1 blocked for more than 120 seconds."),
                new KernelLogLine(20, "INFO: task b:2 blocked for more than 120 seconds.")), 100_000);
        assertEquals(1, found.size());
        assertFalse(found.get(0).recent());
        assertEquals(2, found.get(0).count());
        assertTrue(found.get(0).line().contains("task b:2"), "keeps the newest line");
    }

    @Test
    void ordinaryLinesAreNotEscalations() {
        EscalationScanner scanner = new EscalationScanner(Thresholds.builtIn());
        assertTrue(scanner.scan(List.of(new KernelLogLine(1, "EXT4-fs (vda): mounted filesystem"),
                new KernelLogLine(2, "e1000e: eth0 NIC Link is Up 1000 Mbps"),
                new KernelLogLine(3, "audit: type=1400 apparmor=\"DENIED\"")), 10).isEmpty());
    }

    @Test
    void prefilterWordsComeFromOutsideGroups() {
        assertEquals(List.of("rcu_"), EscalationScanner.Trigger.literalWords(
                "rcu_\\w+ (detected stalls on CPUs/tasks|self-detected stall on CPU)"));
        assertEquals(List.of("Out of memory: Kill"), EscalationScanner.Trigger.literalWords(
                "Out of memory: Kill(ed)? process \\d+"));
    }
}
