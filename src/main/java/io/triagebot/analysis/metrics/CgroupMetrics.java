package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.CgroupCpu;
import io.triagebot.snapshot.CgroupCpuLimit;
import io.triagebot.snapshot.CgroupMemory;
import io.triagebot.snapshot.CgroupPressure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-cgroup CPU throttling, memory and pressure over the window. Root cgroups are left out: they have
 * no limits of their own.
 */
public record CgroupMetrics(List<Cpu> cpu, List<Memory> memory, List<Pressure> pressure) {

    /**
     * @param throttledPercent throttled periods over elapsed periods in the window (the KM CPUThrottlingHigh ratio)
     * @param throttledMillisPerSecond time the group spent throttled per second
     * @param usageCpus CPUs used on average over the window (v2 only), NaN otherwise
     * @param quotaCpus the limit in CPUs, NaN when unlimited or unknown
     */
    public record Cpu(String path, int version, double periodsPerSecond, double throttledPercent,
            double throttledMillisPerSecond, double usageCpus, double quotaCpus) {
    }

    /**
     * @param limitBytes -1 when unlimited
     * @param oomKills kills in the window; NaN when the kernel does not count them
     * @param oomKillsTotal kills since the group was created, -1 when unknown
     */
    public record Memory(String path, int version, long usageBytes, long limitBytes, long swapBytes, double oomKills,
            long oomKillsTotal, double maxEvents, double highEvents) {

        public double usagePercent() {
            return limitBytes > 0 ? 100.0 * usageBytes / limitBytes : Double.NaN;
        }
    }

    public record Pressure(String path, PressureShare cpu, PressureShare memory, PressureShare io) {
    }

    static CgroupMetrics of(List<CgroupCpu> cpuA, List<CgroupCpu> cpuB, List<CgroupCpuLimit> limits,
            List<CgroupMemory> memA, List<CgroupMemory> memB, List<CgroupPressure> psiA, List<CgroupPressure> psiB,
            double window) {
        List<Cpu> cpu = new ArrayList<>();
        for (CgroupCpu y : cpuB) {
            if (y.path().equals("/")) {
                continue;
            }
            CgroupCpu x = find(cpuA, y.path(), y.version(), CgroupCpu::path, CgroupCpu::version);
            if (x == null || !(window > 0)) {
                continue;
            }
            double periods = Deltas.delta(x.periods(), y.periods());
            double throttled = Deltas.delta(x.throttledPeriods(), y.throttledPeriods());
            CgroupCpuLimit limit = find(limits, y.path(), y.version(), CgroupCpuLimit::path, CgroupCpuLimit::version);
            cpu.add(new Cpu(y.path(), y.version(), periods / window, Deltas.percent(throttled, periods),
                    Deltas.delta(x.throttledMicros(), y.throttledMicros()) / 1000 / window,
                    y.usageMicros() >= 0 && x.usageMicros() >= 0
                            ? Deltas.delta(x.usageMicros(), y.usageMicros()) / 1e6 / window : Double.NaN,
                    limit == null ? Double.NaN : limit.cpus()));
        }
        cpu.sort(Comparator.comparingDouble((Cpu c) -> Double.isNaN(c.throttledMillisPerSecond()) ? -1
                : c.throttledMillisPerSecond()).reversed());
        List<Memory> memory = new ArrayList<>();
        for (CgroupMemory y : memB) {
            if (y.path().equals("/")) {
                continue;
            }
            CgroupMemory x = find(memA, y.path(), y.version(), CgroupMemory::path, CgroupMemory::version);
            memory.add(new Memory(y.path(), y.version(), y.usageBytes(), y.limitBytes(), y.swapBytes(),
                    x == null || y.oomKills() < 0 || x.oomKills() < 0 ? Double.NaN : Deltas.delta(x.oomKills(), y.oomKills()),
                    y.oomKills(),
                    x == null || y.maxEvents() < 0 ? Double.NaN : Deltas.delta(x.maxEvents(), y.maxEvents()),
                    x == null || y.highEvents() < 0 ? Double.NaN : Deltas.delta(x.highEvents(), y.highEvents())));
        }
        List<Pressure> pressure = new ArrayList<>();
        for (CgroupPressure y : psiB) {
            if (y.path().equals("/")) {
                continue;
            }
            CgroupPressure x = psiA.stream().filter(p -> p.path().equals(y.path())).findFirst().orElse(null);
            if (x != null) {
                pressure.add(new Pressure(y.path(), PressureShare.of(x.cpu(), y.cpu(), window),
                        PressureShare.of(x.memory(), y.memory(), window), PressureShare.of(x.io(), y.io(), window)));
            }
        }
        return new CgroupMetrics(cpu, memory, pressure);
    }

    private static <T> T find(List<T> list, String path, int version, java.util.function.Function<T, String> pathOf,
            java.util.function.ToIntFunction<T> versionOf) {
        for (T t : list) {
            if (pathOf.apply(t).equals(path) && versionOf.applyAsInt(t) == version) {
                return t;
            }
        }
        return null;
    }
}
