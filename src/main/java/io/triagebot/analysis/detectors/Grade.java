package io.triagebot.analysis.detectors;

import io.triagebot.analysis.Severity;

/**
 * Severity and score from a detector's criteria: each criterion met at a level is a ratio of at least 1
 * ("how far past its threshold"); the finding takes the highest level met and, within it, the largest
 * ratio as its score.
 */
final class Grade {

    /** Scores are capped so that a near-zero denominator cannot dwarf everything else. */
    static final double MAX_SCORE = 1000;

    private Severity severity;
    private double score;

    /** Records {@code ratio} at {@code level} when it is at least 1 (NaN never counts). */
    Grade meet(Severity level, double ratio) {
        if (!(ratio >= 1)) {
            return this;
        }
        double r = Math.min(ratio, MAX_SCORE);
        if (severity == null || level.compareTo(severity) > 0) {
            severity = level;
            score = r;
        } else if (level == severity) {
            score = Math.max(score, r);
        }
        return this;
    }

    /** Records a criterion that is met when {@code condition} holds, with the given ratio (at least 1). */
    Grade meetIf(boolean condition, Severity level, double ratio) {
        if (condition) {
            meet(level, Double.isNaN(ratio) ? 1 : Math.max(1, ratio));
        }
        return this;
    }

    /** Lowers the severity to at most {@code max}, keeping the score. */
    Grade cap(Severity max) {
        if (severity != null && severity.compareTo(max) > 0) {
            severity = max;
        }
        return this;
    }

    boolean any() {
        return severity != null;
    }

    Severity severity() {
        return severity;
    }

    double score() {
        return score;
    }

    /** {@code value / threshold}: 1 at the threshold; NaN when either is unknown. */
    static double above(double value, double threshold) {
        if (Double.isNaN(value) || Double.isNaN(threshold)) {
            return Double.NaN;
        }
        if (threshold <= 0) {
            return value > threshold ? 1 + value - threshold : 0;
        }
        return value / threshold;
    }

    /** {@code threshold / value} for "below" thresholds (MemAvailable under 10%): 1 at the threshold. */
    static double below(double value, double threshold) {
        if (Double.isNaN(value) || Double.isNaN(threshold) || threshold <= 0) {
            return Double.NaN;
        }
        return threshold / Math.max(value, threshold / MAX_SCORE);
    }

    static boolean known(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }
}
