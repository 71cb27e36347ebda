package io.triagebot.snapshot;

/**
 * One pressure file (/proc/pressure/* or a cgroup's *.pressure): the "some" and "full" lines.
 * Totals are cumulative microseconds stalled; the analysis uses their delta over the window rather
 * than avg10, which lags and smooths a one-second window away.
 *
 * @param full null where the kernel has no "full" line (CPU before 5.13)
 */
public record Psi(Line some, Line full) {

    /** One line: averages in percent and the cumulative stall total in microseconds. */
    public record Line(double avg10, double avg60, double avg300, long totalMicros) {
    }
}
