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

/**
 * interrupt-storm over synthetic unit hosts (2 CPUs, 1 s window, uptime 10,000 s; idle() has LOC at
 * 100/s per CPU, a disk IRQ 24 and a NIC IRQ 25 at a few dozen per second).
 */
class InterruptStormDetectorTest {

    private final InterruptStormDetector detector = new InterruptStormDetector();

    @Test
    void idleInterruptRatesAreNormal() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void aTimerStormOnOneCpuFarAboveItsBaselineIsHighAndConfirmed() {
        // LOC 36,000/s on CPU 0 whose since-boot average is ~14/s; CPU 0 has no idle time left.
        SyntheticHost h = SyntheticHost.idle(2).interruptRate("LOC", "Local timer interrupts", new long[] {36_000, 3_000})
                .cpuTime(0, 10, 90, 0, 0, 0, 0).process(7000, "stress-ng-timer", 'R', 0, 0, 2, 95);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals("Interrupt storm: LOC (Local timer interrupts) at 36,000 interrupts/s on CPU 0", f.title());
        assertTrue(f.impact().contains("CPU 0 0% idle, 90% system"), f.impact());
        assertEquals(3.6, f.score(), 0.01, "36,000/s against the 10,000/s elevated floor");
        evidence(f, "interrupt-storm.baseline-multiple = 10");
        evidence(f, "busiest program: stress-ng-timer (pid 7000)");
        Check.command(f, "tracepoint:timer:hrtimer_start");
        assertTrue(f.runbooks().isEmpty(), "LOC is per-CPU: no IRQ affinity to change");
    }

    @Test
    void theSameRateIsNormalForAHostThatAlwaysRunsIt() {
        // 36,000/s on CPU 0, but it has averaged that since boot: no baseline jump, below the 50k warn.
        SyntheticHost h = SyntheticHost.idle(2).interrupt("LOC", "Local timer interrupts",
                new long[] {360_000_000L, 1_000_000}, new long[] {360_036_000L, 1_003_000}).cpuTime(0, 10, 88, 0, 0, 0, 0);
        none(detector, h);
    }

    @Test
    void aDeviceIrqAboveTheAbsoluteWarnGetsAnAffinityRunbook() {
        SyntheticHost h = SyntheticHost.idle(2).interruptRate("24", "PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0",
                new long[] {0, 60_000}).cpuTime(1, 5, 90, 0, 0, 0, 0).gaugeFile("/proc/irq/24/smp_affinity_list", "0-1");
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals("IRQ 24 (virtio1-req.0)", f.culprit());
        assertEquals(Map.of("irq", "24", "cpus", "0"), runbook(f, "irq-affinity").parameters());
        assertTrue(runbook(f, "irq-affinity").reason().contains("current affinity 0-1"), runbook(f, "irq-affinity").reason());
        Check.command(f, "cat /proc/irq/24/smp_affinity_list");
    }

    @Test
    void aboveTheCriticalRateIsCritical() {
        Finding f = one(detector, SyntheticHost.idle(2).interruptRate("24", "PCI-MSIX 1-edge virtio1-req.0",
                new long[] {0, 120_000}).cpuTime(1, 5, 90, 0, 0, 0, 0));
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals(1.2, f.score(), 0.01);
    }

    @Test
    void aHighRateSpreadOverSourcesIsAHypothesis() {
        SyntheticHost h = SyntheticHost.idle(2)
                .interruptRate("24", "PCI-MSIX 1-edge virtio1-req.0", new long[] {0, 55_000})
                .interruptRate("25", "PCI-MSIX 1-edge virtio2-input.0", new long[] {55_000, 0})
                .interruptRate("RES", "Rescheduling interrupts", new long[] {20_000, 20_000})
                .allCpus(20, 60);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.HYPOTHESIS);
        evidence(f, "no single source dominates");
    }

    @Test
    void irqTimeOnOneCpuIsHighEvenAtAModestRate() {
        SyntheticHost h = SyntheticHost.idle(2).interruptRate("25", "PCI-MSIX 1-edge virtio2-input.0", new long[] {0, 8_000});
        h.cpuTime(1, 5, 10, 0, 20, 25, 0);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        evidence(f, "interrupt-storm.warn-irq-softirq-percent = 30");
    }

    @Test
    void nobodyCaredEscalatesAStormButIsNotOneAlone() {
        SyntheticHost storm = SyntheticHost.idle(2).interruptRate("24", "PCI-MSIX 1-edge virtio1-req.0", new long[] {0, 60_000})
                .cpuTime(1, 5, 90, 0, 0, 0, 0).kernelLog(9_990, "irq 24: nobody cared (try booting with the \"irqpoll\" option)");
        Finding f = one(detector, storm);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        evidence(f, "irq 24: nobody cared");
        none(detector, SyntheticHost.idle(2).kernelLog(9_990, "irq 24: nobody cared (try booting with the \"irqpoll\" option)"));
    }

    @Test
    void missingInterruptsMeansNoFinding() {
        none(detector, SyntheticHost.idle(2).missingFile("/proc/interrupts", "Permission denied"));
    }
}
