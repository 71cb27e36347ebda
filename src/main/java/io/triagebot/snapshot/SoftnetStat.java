package io.triagebot.snapshot;

/**
 * One row (one CPU) of /proc/net/softnet_stat, whose columns are hex and whose count grew over kernels.
 *
 * @param cpu the row's CPU: the 13th column on 5.10+, else the row index
 * @param timeSqueeze net_rx_action ran out of budget or time with work left
 */
public record SoftnetStat(int cpu, long processed, long dropped, long timeSqueeze) {
}
