package io.triagebot.snapshot;

import java.util.List;

/**
 * /proc/interrupts (or /proc/softirqs): per source, a count for each CPU.
 *
 * @param cpuColumns the CPU numbers heading the columns, in order (CPUs may be offline or sparse)
 */
public record Interrupts(List<Integer> cpuColumns, List<Source> sources) {

    /**
     * @param id the IRQ number or the symbolic name (LOC, RES, NET_RX...)
     * @param description the controller, trigger and device names after the counts, if any
     */
    public record Source(String id, long[] perCpu, String description) {
        public long total() {
            long sum = 0;
            for (long v : perCpu) {
                sum += v;
            }
            return sum;
        }
    }
}
