package io.triagebot.approval;

import io.triagebot.analysis.Format;
import io.triagebot.runbook.VerificationMetric;
import java.util.OptionalDouble;

/**
 * The before/after of an action's expected metric: before as the proposing triage measured it, after as
 * a triage after the runbook's settle time measured it.
 *
 * @param metric null when the runbook declares no expected effect
 * @param problem why no comparison was possible (the host could not be re-triaged), or null
 */
public record Verification(VerificationMetric metric, VerificationMetric.Direction direction, OptionalDouble before,
        OptionalDouble after, String problem) {

    /** How it came out. */
    public enum Outcome {
        IMPROVED, NO_IMPROVEMENT, UNMEASURED;

        /** The short verdict stored on the action. */
        public String word() {
            return switch (this) {
                case IMPROVED -> "improved";
                case NO_IMPROVEMENT -> "no improvement";
                case UNMEASURED -> "unmeasured";
            };
        }
    }

    /** "4,200 -> 12", with "?" for a side that could not be measured. */
    public String change() {
        return count(before) + " -> " + count(after);
    }

    private static String count(OptionalDouble v) {
        return v.isPresent() ? Format.count(v.getAsDouble()) : "?";
    }

    public Outcome outcome() {
        if (metric == null || before.isEmpty() || after.isEmpty()) {
            return Outcome.UNMEASURED;
        }
        return VerificationMetric.improved(before.getAsDouble(), after.getAsDouble(), direction) ? Outcome.IMPROVED
                : Outcome.NO_IMPROVEMENT;
    }
}
