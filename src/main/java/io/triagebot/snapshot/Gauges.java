package io.triagebot.snapshot;

import java.util.List;
import java.util.Map;

/**
 * Values read once, at the first sample. Null or empty when unavailable.
 *
 * @param meminfo /proc/meminfo in kB (HugePages_* are counts)
 * @param sysctls settings by their /proc/sys path without the prefix, e.g. "vm/swappiness"
 * @param nodeMeminfo per NUMA node, kB
 * @param swaps /proc/swaps rows: device, type, size kB, used kB, priority
 * @param cgroupLayout "v1", "v2", "hybrid" or "unknown"
 * @param processSwapKb VmSwap per pid, only processes with swap in use
 * @param irqAffinity the CPU list each IRQ may run on, by IRQ number
 * @param cpuGovernors cpufreq governor by CPU number
 * @param lockStat the first lines of /proc/lock_stat when the kernel has it
 * @param software pids cgroups, open descriptors and their limits, TCP sockets (USE software resources)
 */
public record Gauges(
        LoadAvg loadavg,
        Map<String, Long> meminfo,
        Map<String, String> sysctls,
        Map<Integer, Map<String, Long>> nodeMeminfo,
        List<List<String>> swaps,
        Thp thp,
        List<BlockQueue> blockQueues,
        Map<String, Map<String, Long>> sockstat,
        List<ListenSocket> listenSockets,
        List<KernelLogLine> kernelLog,
        String cgroupLayout,
        List<CgroupCpuLimit> cgroupCpuLimits,
        Map<Integer, Long> processSwapKb,
        Map<String, String> irqAffinity,
        Map<Integer, String> cpuGovernors,
        List<String> lockStat,
        SoftwareResources software) {
}
