package io.triagebot.snapshot;

/**
 * One kernel log line.
 *
 * @param secondsSinceBoot the printk timestamp, or NaN when the log has none (printk.time=0)
 * @param text the message, without the level prefix and timestamp
 * @param level the syslog level (0 emerg .. 7 debug) from {@code dmesg -r}'s {@code <N>} prefix, or -1
 *     when the log did not say (plain dmesg, the journal fallback)
 */
public record KernelLogLine(double secondsSinceBoot, String text, int level) {

    /** Level 4 (KERN_WARNING) and the more severe levels below it. */
    public static final int WARNING = 4;

    public KernelLogLine(double secondsSinceBoot, String text) {
        this(secondsSinceBoot, text, -1);
    }

    /** Logged at warning level or above; false when the level is unknown. */
    public boolean warningOrAbove() {
        return level >= 0 && level <= WARNING;
    }
}
