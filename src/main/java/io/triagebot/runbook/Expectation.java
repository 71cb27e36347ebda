package io.triagebot.runbook;

/**
 * How to tell a runbook helped: {@code metric} should move in {@code direction} within the runbook's
 * settle time.
 *
 * @param pattern the finding pattern this expectation applies to, or null for every pattern of the
 *     runbook (one runbook can serve opposite purposes: unit-cpu-quota raises a throttled unit's quota
 *     and caps a saturating one)
 */
public record Expectation(VerificationMetric metric, VerificationMetric.Direction direction, String pattern) {

    /** "swapOutPagesPerSecond down". */
    public String describe() {
        return metric.yamlName() + " " + direction.word();
    }
}
