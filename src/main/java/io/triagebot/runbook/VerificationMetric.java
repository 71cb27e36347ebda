package io.triagebot.runbook;

import io.triagebot.analysis.Vitals;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.DiskMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.NetMetrics;
import io.triagebot.analysis.metrics.PressureShare;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * What a runbook's {@code expect.metric} may name: a number a triage measures, read before the action and
 * again after its {@code settle} time. The first group comes straight from a report's {@link Vitals} (so
 * from {@code io.triagebot.analysis.Report#vitals()}); the rest from the {@link Metrics} of the snapshot
 * ({@code Metrics.of(snapshot)}), which a report does not carry. Unknown readings (NaN, -1, a probe that
 * was unavailable) are empty, never 0: verification then says "could not measure", not "improved".
 */
public enum VerificationMetric {

    CPU_BUSY_PERCENT("cpuBusyPercent", "CPU busy (user+nice+system+irq+softirq+steal), percent", Vitals::cpuBusyPercent, null),
    CPU_SYSTEM_PERCENT("cpuSystemPercent", "CPU time in the kernel, percent", Vitals::cpuSystemPercent, null),
    CPU_IOWAIT_PERCENT("cpuIowaitPercent", "CPU idle waiting for I/O, percent", Vitals::cpuIowaitPercent, null),
    RUNNABLE("runnable", "tasks running or waiting for a CPU (vmstat r)", v -> v.runnable(), null),
    BLOCKED("blocked", "tasks in uninterruptible sleep (vmstat b)", v -> v.blocked(), null),
    LOAD1("load1", "1-minute load average", Vitals::load1, null),
    MEM_AVAILABLE_KB("memAvailableKb", "MemAvailable, KiB", v -> v.memAvailableKb(), null),
    SWAP_IN_PAGES_PER_SECOND("swapInPagesPerSecond", "pages swapped in per second", Vitals::swapInPagesPerSecond, null),
    SWAP_OUT_PAGES_PER_SECOND("swapOutPagesPerSecond", "pages swapped out per second", Vitals::swapOutPagesPerSecond, null),
    CONTEXT_SWITCHES_PER_SECOND("contextSwitchesPerSecond", "context switches per second", Vitals::contextSwitchesPerSecond, null),
    INTERRUPTS_PER_SECOND("interruptsPerSecond", "interrupts per second", Vitals::interruptsPerSecond, null),
    CPU_PRESSURE_SOME_PERCENT("cpuPressureSomePercent", "share of time some task waited for a CPU (PSI), percent",
            Vitals::cpuPressureSome, null),
    MEMORY_PRESSURE_SOME_PERCENT("memoryPressureSomePercent", "share of time some task stalled on memory (PSI), percent",
            Vitals::memoryPressureSome, null),
    MEMORY_PRESSURE_FULL_PERCENT("memoryPressureFullPercent", "share of time all non-idle tasks stalled on memory (PSI), percent",
            Vitals::memoryPressureFull, null),
    IO_PRESSURE_SOME_PERCENT("ioPressureSomePercent", "share of time some task stalled on I/O (PSI), percent",
            Vitals::ioPressureSome, null),
    IO_PRESSURE_FULL_PERCENT("ioPressureFullPercent", "share of time all non-idle tasks stalled on I/O (PSI), percent",
            Vitals::ioPressureFull, null),

    MAJOR_FAULTS_PER_SECOND("majorFaultsPerSecond", "major page faults per second (/proc/vmstat pgmajfault)", null,
            m -> memory(m, MemoryMetrics::majorFaultsPerSecond)),
    DIRECT_SCAN_PAGES_PER_SECOND("directScanPagesPerSecond", "pages scanned by direct reclaim per second", null,
            m -> memory(m, MemoryMetrics::directScanPagesPerSecond)),
    ALLOC_STALLS_PER_SECOND("allocStallsPerSecond", "allocation stalls (direct reclaim entered) per second", null,
            m -> memory(m, MemoryMetrics::allocStallsPerSecond)),
    REFAULTS_PER_SECOND("refaultsPerSecond", "working-set refaults per second", null,
            m -> memory(m, MemoryMetrics::refaultsPerSecond)),
    COMPACT_STALLS_PER_SECOND("compactStallsPerSecond", "direct compaction stalls per second", null,
            m -> memory(m, MemoryMetrics::compactStallsPerSecond)),
    THP_FAULT_FALLBACK_PER_SECOND("thpFaultFallbackPerSecond", "huge page faults that fell back to small pages per second",
            null, m -> memory(m, MemoryMetrics::thpFaultFallbackPerSecond)),
    NUMA_PAGES_MIGRATED_PER_SECOND("numaPagesMigratedPerSecond", "pages migrated by NUMA balancing per second", null,
            m -> memory(m, MemoryMetrics::numaPagesMigratedPerSecond)),
    THROTTLED_PERCENT("throttledPercent", "highest share of CFS periods throttled in any cgroup, percent", null,
            m -> m.cgroups() == null ? Double.NaN
                    : max(m.cgroups().cpu().stream().mapToDouble(CgroupMetrics.Cpu::throttledPercent))),
    DISK_AWAIT_MILLIS("diskAwaitMillis", "highest average I/O wait of any disk, ms", null,
            m -> m.disks() == null ? Double.NaN : max(m.disks().stream().mapToDouble(DiskMetrics::awaitMillis))),
    DISK_QUEUE_DEPTH("diskQueueDepth", "highest average queue depth of any disk", null,
            m -> m.disks() == null ? Double.NaN : max(m.disks().stream().mapToDouble(DiskMetrics::queueDepth))),
    RETRANSMIT_PERCENT("retransmitPercent", "TCP segments retransmitted over segments sent, percent", null,
            m -> net(m, NetMetrics::retransmitPercent)),
    LISTEN_OVERFLOWS_PER_SECOND("listenOverflowsPerSecond", "accept-queue overflows per second (TcpExt ListenOverflows)", null,
            m -> net(m, NetMetrics::listenOverflowsPerSecond)),
    LISTEN_DROPS_PER_SECOND("listenDropsPerSecond", "SYNs dropped at listeners per second (TcpExt ListenDrops)", null,
            m -> net(m, NetMetrics::listenDropsPerSecond)),
    PRUNE_CALLED_PER_SECOND("pruneCalledPerSecond", "socket receive-queue prunes per second (TcpExt PruneCalled)", null,
            m -> net(m, NetMetrics::pruneCalledPerSecond)),
    SOFTNET_DROPPED_PER_SECOND("softnetDroppedPerSecond", "packets dropped by full per-CPU backlogs per second", null,
            m -> m.net() == null || m.net().softnet().isEmpty() ? Double.NaN
                    : m.net().softnet().stream().mapToDouble(NetMetrics.Softnet::droppedPerSecond).sum()),
    MAX_CPU_SOFTIRQ_PERCENT("maxCpuSoftirqPercent", "softirq share of the busiest CPU for softirqs, percent", null,
            m -> perCpu(m, CpuMetrics.Split::softirq)),
    MAX_CPU_IRQ_PERCENT("maxCpuIrqPercent", "irq + softirq share of the busiest CPU for interrupts, percent", null,
            m -> perCpu(m, s -> s.irq() + s.softirq()));

    /** Which way a metric should move for a runbook to have helped. */
    public enum Direction {
        DOWN, UP;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String yamlName;
    private final String description;
    private final ToDoubleFunction<Vitals> fromVitals;
    private final ToDoubleFunction<Metrics> fromMetrics;

    VerificationMetric(String yamlName, String description, ToDoubleFunction<Vitals> fromVitals,
            ToDoubleFunction<Metrics> fromMetrics) {
        this.yamlName = yamlName;
        this.description = description;
        this.fromVitals = fromVitals;
        this.fromMetrics = fromMetrics;
    }

    /** The name used in runbook files ({@code metric: swapOutPagesPerSecond}). */
    public String yamlName() {
        return yamlName;
    }

    public String description() {
        return description;
    }

    /** True when a report's vitals carry this metric; otherwise read it from {@link Metrics}. */
    public boolean inVitals() {
        return fromVitals != null;
    }

    public static Optional<VerificationMetric> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.yamlName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(VerificationMetric::yamlName).toList();
    }

    /** The reading from a report's vitals; empty when unknown or when this metric is not a vital. */
    public OptionalDouble read(Vitals vitals) {
        if (fromVitals == null || vitals == null) {
            return OptionalDouble.empty();
        }
        return known(fromVitals.applyAsDouble(vitals));
    }

    /** The reading from a snapshot's metrics (every metric, vitals included where computable); empty when unknown. */
    public OptionalDouble read(Metrics metrics) {
        if (metrics == null) {
            return OptionalDouble.empty();
        }
        if (fromMetrics != null) {
            return known(fromMetrics.applyAsDouble(metrics));
        }
        return known(fromVitalsOfMetrics(metrics));
    }

    /** Whether {@code after} is better than {@code before} in {@code direction} (strictly). */
    public static boolean improved(double before, double after, Direction direction) {
        return direction == Direction.DOWN ? after < before : after > before;
    }

    private double fromVitalsOfMetrics(Metrics m) {
        CpuMetrics cpu = m.cpu();
        return switch (this) {
            case CPU_BUSY_PERCENT -> cpu == null ? Double.NaN : cpu.total().busy();
            case CPU_SYSTEM_PERCENT -> cpu == null ? Double.NaN : cpu.total().system();
            case CPU_IOWAIT_PERCENT -> cpu == null ? Double.NaN : cpu.total().iowait();
            case RUNNABLE -> cpu == null ? Double.NaN : cpu.runnable();
            case BLOCKED -> cpu == null ? Double.NaN : cpu.blocked();
            case MEM_AVAILABLE_KB -> m.memory() == null ? Double.NaN : m.memory().availableKb();
            case SWAP_IN_PAGES_PER_SECOND -> memory(m, MemoryMetrics::swapInPagesPerSecond);
            case SWAP_OUT_PAGES_PER_SECOND -> memory(m, MemoryMetrics::swapOutPagesPerSecond);
            case CONTEXT_SWITCHES_PER_SECOND -> cpu == null ? Double.NaN : cpu.contextSwitchesPerSecond();
            case INTERRUPTS_PER_SECOND -> cpu == null ? Double.NaN : cpu.interruptsPerSecond();
            case CPU_PRESSURE_SOME_PERCENT -> some(m.cpuPressure());
            case MEMORY_PRESSURE_SOME_PERCENT -> some(m.memoryPressure());
            case MEMORY_PRESSURE_FULL_PERCENT -> full(m.memoryPressure());
            case IO_PRESSURE_SOME_PERCENT -> some(m.ioPressure());
            case IO_PRESSURE_FULL_PERCENT -> full(m.ioPressure());
            default -> Double.NaN; // load1 lives in the snapshot's loadavg, not in Metrics
        };
    }

    private static double some(PressureShare p) {
        return p == null ? Double.NaN : p.some();
    }

    private static double full(PressureShare p) {
        return p == null ? Double.NaN : p.full();
    }

    private static double memory(Metrics m, ToDoubleFunction<MemoryMetrics> f) {
        return m.memory() == null ? Double.NaN : f.applyAsDouble(m.memory());
    }

    private static double net(Metrics m, ToDoubleFunction<NetMetrics> f) {
        return m.net() == null ? Double.NaN : f.applyAsDouble(m.net());
    }

    private static double perCpu(Metrics m, ToDoubleFunction<CpuMetrics.Split> f) {
        return m.cpu() == null || m.cpu().perCpu().isEmpty() ? Double.NaN : max(m.cpu().perCpu().stream().mapToDouble(f));
    }

    private static double max(java.util.stream.DoubleStream s) {
        return s.filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    private static OptionalDouble known(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) || v < 0 ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
