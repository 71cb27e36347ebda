package io.triagebot.analysis;

/**
 * Phase-1 vitals, always reported: the 60-second checklist in one object. NaN or -1 where unknown.
 *
 * @param cpuBusyPercent user + nice + system + irq + softirq + steal
 * @param runnable tasks running or waiting for a CPU (vmstat r), not counting the triage's own reader
 * @param blocked tasks in uninterruptible sleep (vmstat b)
 * @param cpuPressureSome percent of the window some task waited for a CPU
 * @param memoryPressureSome percent of the window some task stalled on memory
 * @param memoryPressureFull percent of the window all non-idle tasks stalled on memory
 * @param ioPressureSome percent of the window some task stalled on I/O
 * @param ioPressureFull percent of the window all non-idle tasks stalled on I/O
 */
public record Vitals(
        int cpus,
        double load1,
        double load5,
        double load15,
        double cpuUserPercent,
        double cpuSystemPercent,
        double cpuIowaitPercent,
        double cpuStealPercent,
        double cpuIdlePercent,
        double cpuBusyPercent,
        int runnable,
        int blocked,
        long memTotalKb,
        long memAvailableKb,
        long swapTotalKb,
        long swapUsedKb,
        double swapInPagesPerSecond,
        double swapOutPagesPerSecond,
        double contextSwitchesPerSecond,
        double interruptsPerSecond,
        double cpuPressureSome,
        double memoryPressureSome,
        double memoryPressureFull,
        double ioPressureSome,
        double ioPressureFull,
        double uptimeSeconds) {
}
