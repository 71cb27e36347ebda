package io.triagebot.snapshot;

/**
 * One kernel log line.
 *
 * @param secondsSinceBoot the printk timestamp, or NaN when the log has none (printk.time=0)
 */
public record KernelLogLine(double secondsSinceBoot, String text) {
}
