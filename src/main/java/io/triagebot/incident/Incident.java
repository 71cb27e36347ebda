package io.triagebot.incident;

import java.time.Instant;

/**
 * One incident: one anchor thread in one channel, for one host.
 *
 * @param anchorTs the anchor message's ts once Slack has it, else null
 * @param pattern the first finding's pattern of the latest triage, for recall; null before
 * @param fingerprint the sorted patterns of the MEDIUM-or-worse findings, comma separated
 */
public record Incident(IncidentId id, String channel, String anchorTs, String host, String requestedBy,
        Instant openedAt, IncidentStatus status, String severity, String headline, String pattern, String fingerprint,
        Instant resolvedAt, String resolvedBy, String resolution) {
}
