package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.Psi;

/**
 * Share of the window during which some (or all) tasks stalled on a resource, in percent. Computed from
 * the delta of the cumulative totals, which measures exactly this window; when only one sample exists,
 * falls back to the kernel's avg10 and says so.
 *
 * @param some percent of time at least one task stalled
 * @param full percent of time all non-idle tasks stalled (NaN where the kernel has no full line)
 * @param fromAverage true when the numbers are avg10 rather than measured over the window
 */
public record PressureShare(double some, double full, boolean fromAverage) {

    static PressureShare of(Psi a, Psi b, double window) {
        if (a != null && b != null && window > 0) {
            double some = 100.0 * Deltas.delta(a.some().totalMicros(), b.some().totalMicros()) / (window * 1e6);
            double full = a.full() == null || b.full() == null ? Double.NaN
                    : 100.0 * Deltas.delta(a.full().totalMicros(), b.full().totalMicros()) / (window * 1e6);
            return new PressureShare(clamp(some), clamp(full), false);
        }
        Psi one = b != null ? b : a;
        if (one == null) {
            return null;
        }
        return new PressureShare(one.some().avg10(), one.full() == null ? Double.NaN : one.full().avg10(), true);
    }

    /** Clock skew between the window and the PSI clock can push a saturated share a hair past 100. */
    private static double clamp(double v) {
        return Double.isNaN(v) ? v : Math.max(0, Math.min(100, v));
    }
}
