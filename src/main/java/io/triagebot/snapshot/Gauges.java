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
 * @param processCgroups each process's cgroups as "hierarchy-id:controllers:path" lines, by pid
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
        SoftwareResources software,
        Map<Integer, List<String>> processCgroups) {

    /**
     * The cgroup a process is in, for saying where it lives: the v1 hierarchy of {@code controller} when it
     * has one, else the v2 path ("0::/..."); null when unknown.
     */
    public String cgroupOf(int pid, String controller) {
        List<String> lines = processCgroups == null ? null : processCgroups.get(pid);
        if (lines == null) {
            return null;
        }
        String unified = null;
        for (String l : lines) {
            String[] f = l.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (java.util.Arrays.asList(f[1].split(",")).contains(controller)) {
                return f[2];
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            }
        }
        return unified;
    }
}
