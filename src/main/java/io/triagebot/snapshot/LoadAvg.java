package io.triagebot.snapshot;

/** /proc/loadavg. Load counts runnable and uninterruptible (D-state) tasks, not CPU use. */
public record LoadAvg(double one, double five, double fifteen, int runnable, int total) {
}
