package io.triagebot.analysis;

import java.util.List;

/**
 * The "other kernel warnings" of a report: the most frequent templates, and how many more were left out.
 *
 * @param shown at most kernel-warnings.max-listed templates, most lines first
 * @param moreTemplates templates left out
 * @param moreLines lines of the templates left out
 * @param levelsKnown false when the log carried no levels (journal fallback, old capture): nothing can be
 *     said about warnings then, and the report says so
 * @param severity MEDIUM when a template was logged recently and repeatedly (kernel-warnings thresholds),
 *     else LOW: the report's severity is at least this
 */
public record KernelWarnings(List<KernelWarning> shown, int moreTemplates, int moreLines, boolean levelsKnown,
        Severity severity) {

    public static final KernelWarnings NONE = new KernelWarnings(List.of(), 0, 0, true, Severity.LOW);

    public KernelWarnings {
        shown = List.copyOf(shown);
    }

    public boolean isEmpty() {
        return shown.isEmpty();
    }
}
