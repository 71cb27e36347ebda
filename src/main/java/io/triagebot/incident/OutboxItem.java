package io.triagebot.incident;

import java.time.Instant;

/**
 * A queued message as the deliverer sees it.
 *
 * @param targetTs for an UPDATE, the ts of the keyed reply it rewrites; null when that one was never
 *     delivered
 */
public record OutboxItem(long id, IncidentId incident, int seq, OutboxKind kind, String channel, String body,
        int attempts, Instant nextAttemptAt, String anchorTs, String key, String targetTs) {
}
