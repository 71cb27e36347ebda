package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.Sample;
import io.triagebot.snapshot.Snapshot;
import java.util.List;
import java.util.Map;

/**
 * Everything the detectors measure, computed once per snapshot from its two samples. Any part is null
 * when its probes were unavailable or the second sample is missing; detectors check before use and the
 * report lists what could not be measured.
 */
public record Metrics(
        double windowSeconds,
        int cpuCount,
        CpuMetrics cpu,
        PressureShare cpuPressure,
        PressureShare memoryPressure,
        PressureShare ioPressure,
        MemoryMetrics memory,
        List<DiskMetrics> disks,
        NetMetrics net,
        InterruptMetrics interrupts,
        InterruptMetrics softirqs,
        NumaMetrics numa,
        CgroupMetrics cgroups,
        ProcessMetrics processes) {

    public static Metrics of(Snapshot s) {
        Sample a = s.first();
        Sample b = s.hasSecondSample() ? s.second() : null;
        double w = s.windowSeconds();
        if (b == null) {
            return new Metrics(Double.NaN, s.cpuCount(), null, PressureShare.of(a.cpuPressure(), null, w),
                    PressureShare.of(a.memoryPressure(), null, w), PressureShare.of(a.ioPressure(), null, w),
                    MemoryMetrics.of(s.gauges().meminfo(), Map.of(), Map.of(), w), List.of(), null, null, null, null,
                    null, null);
        }
        CpuMetrics cpu = CpuMetrics.of(a.stat(), b.stat(), a.schedstat(), b.schedstat(), w);
        double userHz = cpu == null ? 100 : Math.round(cpu.userHz());
        return new Metrics(
                w,
                s.cpuCount(),
                cpu,
                PressureShare.of(a.cpuPressure(), b.cpuPressure(), w),
                PressureShare.of(a.memoryPressure(), b.memoryPressure(), w),
                PressureShare.of(a.ioPressure(), b.ioPressure(), w),
                MemoryMetrics.of(s.gauges().meminfo(), a.vmstat(), b.vmstat(), w),
                DiskMetrics.of(a.disks(), b.disks(), s.gauges().blockQueues(), w),
                NetMetrics.of(a.snmp(), b.snmp(), a.netstat(), b.netstat(), a.interfaces(), b.interfaces(), a.softnet(),
                        b.softnet(), w),
                InterruptMetrics.of(a.interrupts(), b.interrupts(), w),
                InterruptMetrics.of(a.softirqs(), b.softirqs(), w),
                NumaMetrics.of(a.numastat(), b.numastat(), s.gauges().nodeMeminfo(), w),
                CgroupMetrics.of(a.cgroupCpu(), b.cgroupCpu(), s.gauges().cgroupCpuLimits(), a.cgroupMemory(),
                        b.cgroupMemory(), a.cgroupPressure(), b.cgroupPressure(), w),
                ProcessMetrics.of(a.processes(), b.processes(), a.threads(), b.threads(),
                        s.gauges().processSwapKb(), w, userHz > 0 ? userHz : 100));
    }
}
