package io.triagebot.slack;

import java.time.Duration;

/**
 * How hard to retry a Slack call that failed for a passing reason (429 rate limit, 5xx, network).
 *
 * @param maxAttempts attempts in all, the first included
 * @param firstBackoff wait before the second attempt; doubles each time up to {@code maxBackoff}
 * @param maxRetryAfter the longest Retry-After we honour; Slack asking for more is treated as this
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public static RetryPolicy standard() {
        return new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));
    }

    Duration backoff(int attempt) {
        long millis = firstBackoff.toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
