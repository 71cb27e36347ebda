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
        long analysisMicros) {
}
