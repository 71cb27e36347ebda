package io.triagebot.snapshot;

import java.util.List;

/**
 * /proc/stat: CPU time per CPU and in total, and the system-wide event counters.
 *
 * @param procsRunning runnable tasks right now (vmstat r)
 * @param procsBlocked tasks in uninterruptible sleep right now (vmstat b)
 * @param forks processes created since boot
 */
public record ProcStat(CpuTimes total, List<CpuTimes> perCpu, long contextSwitches, long interrupts,
        long softirqs, long forks, int procsRunning, int procsBlocked) {

    public int cpuCount() {
        return perCpu.size();
    }
}
