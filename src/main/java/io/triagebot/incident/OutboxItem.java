package io.triagebot.incident;

import java.time.Instant;

/** A queued message as the deliverer sees it. */
public record OutboxItem(long id, IncidentId incident, int seq, OutboxKind kind, String channel, String body,
        int attempts, Instant nextAttemptAt, String anchorTs) {
}
