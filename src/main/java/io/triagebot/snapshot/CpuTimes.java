package io.triagebot.snapshot;

/**
 * One "cpu" or "cpuN" line of /proc/stat, in USER_HZ ticks. Guest time is already inside user and nice,
 * so it is kept apart and never added to the total.
 *
 * @param cpu -1 for the aggregate line, otherwise the CPU number
 */
public record CpuTimes(int cpu, long user, long nice, long system, long idle, long iowait, long irq, long softirq,
        long steal, long guest, long guestNice) {

    public long total() {
        return user + nice + system + idle + iowait + irq + softirq + steal;
    }

    public long busy() {
        return user + nice + system + irq + softirq + steal;
    }
}
