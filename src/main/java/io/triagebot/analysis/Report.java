package io.triagebot.analysis;

import java.time.Instant;
import java.util.List;

/**
 * The severity-first triage of one host: what every renderer (terminal, JSON, Slack) shows.
 *
 * @param host the target as asked for
 * @param severity the worst of the findings and escalations, LOW when nothing stands out
 * @param headline one line: the worst problem and its number, or "no problem found" with the busiest figure
 * @param immediateActions what to do now, when the host is in danger (CRITICAL)
 * @param findings ordered by impact: severity, then confirmed before hypothesis, then score
 * @param escalations kernel log triggers, recent first
 * @param unavailable what could not be measured and why
 * @param notes problems with the collection itself (deadline, cap)
 * @param analysisMicros time the analysis took (for the benchmark and the curious)
 * @param kernelWarnings kernel log lines at warning level or above that no trigger knows, by template
 */
public record Report(
        String host,
        Severity severity,
        String headline,
        List<String> immediateActions,
        Vitals vitals,
        List<Finding> findings,
        List<Escalation> escalations,
        List<Unmeasured> unavailable,
        List<String> notes,
        String hostname,
        String kernel,
        Instant collectedAt,
        double windowSeconds,
        long collectionMillis,
        long analysisMicros,
        KernelWarnings kernelWarnings) {

    /** A report without other kernel warnings (none seen, or made before they were listed). */
    public Report(String host, Severity severity, String headline, List<String> immediateActions, Vitals vitals,
            List<Finding> findings, List<Escalation> escalations, List<Unmeasured> unavailable, List<String> notes,
            String hostname, String kernel, Instant collectedAt, double windowSeconds, long collectionMillis,
            long analysisMicros) {
        this(host, severity, headline, immediateActions, vitals, findings, escalations, unavailable, notes, hostname,
                kernel, collectedAt, windowSeconds, collectionMillis, analysisMicros, KernelWarnings.NONE);
    }
}
