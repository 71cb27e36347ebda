package io.triagebot.incident;

import java.time.Instant;

/**
 * A queued message as the deliverer sees it, claimed by one deliverer.
 *
 * @param targetTs for an UPDATE, the ts of the keyed reply it rewrites; null when that one was never
 *     delivered
 * @param deliveryKey unique to this message: sent along in its Slack metadata, so a post of unknown outcome
 *     can be found in the channel before it is posted again
 * @param inDoubt an earlier post may have reached Slack: look it up before posting
 * @param claimedBy who claimed it; only they may mark it sent, failed or for retry
 */
public record OutboxItem(long id, IncidentId incident, int seq, OutboxKind kind, String channel, String body,
        int attempts, Instant nextAttemptAt, String anchorTs, String key, String targetTs, String deliveryKey,
        boolean inDoubt, Instant createdAt, String claimedBy) {
}
