package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Thresholds;

/**
 * One pattern's thresholds from thresholds.yaml, and how to cite them in evidence. A missing key throws
 * IllegalStateException: a programming error the tests catch by running every detector.
 */
final class Limits {

    private final Thresholds thresholds;
    private final String group;

    Limits(AnalysisContext context, String group) {
        this.thresholds = context.thresholds();
        this.group = group;
    }

    double v(String name) {
        return thresholds.value(group, name);
    }

    /** "swap-death-spiral.warn-swap-pages-per-second = 100 (proposal: ...)". */
    String cite(String name) {
        Thresholds.Threshold t = thresholds.threshold(group, name);
        return group + "." + name + " = " + Format.count(t.value()) + ", " + t.source();
    }
}
