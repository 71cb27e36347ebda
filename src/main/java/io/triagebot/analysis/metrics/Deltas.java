package io.triagebot.analysis.metrics;

/**
 * Differences of kernel counters between two samples. A counter that went backwards either wrapped
 * (32-bit counters such as softnet_stat, or /proc/net/dev on 32-bit kernels) or was reset (device
 * hot-plug, module reload, CPU offline). A wrap is assumed only when the wrapped distance is small;
 * otherwise the delta is unknown (NaN), never a huge or negative number that would fake an alarm.
 */
public final class Deltas {

    private static final double TWO_32 = 4294967296.0;

    private Deltas() {
    }

    public static double delta(long before, long after) {
        if (after >= before) {
            return (double) after - before;
        }
        if (before < (long) TWO_32 && after >= 0) {
            double wrapped = TWO_32 - before + after;
            if (wrapped < TWO_32 / 2) {
                return wrapped;
            }
        }
        return Double.NaN;
    }

    public static double rate(long before, long after, double seconds) {
        if (!(seconds > 0)) {
            return Double.NaN;
        }
        return delta(before, after) / seconds;
    }

    /** Share of {@code part} in {@code whole}, as a percentage; NaN when the whole is zero or unknown. */
    public static double percent(double part, double whole) {
        if (!(whole > 0) || Double.isNaN(part)) {
            return Double.NaN;
        }
        return 100.0 * part / whole;
    }
}
