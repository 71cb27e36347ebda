package io.triagebot.slack;

import java.time.Duration;

/**
 * How hard to retry a Slack call that failed for a passing reason (429 rate limit, 5xx, network).
 *
 * @param maxAttempts attempts in all, the first included
 * @param firstBackoff wait before the second attempt; doubles each time up to {@code maxBackoff}
 * @param maxRetryAfter the longest Retry-After we honour; Slack asking for more is treated as this
 * @param requestTimeout the longest one HTTP call can take (the client's call timeout)
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter,
        Duration requestTimeout) {

    /** The Slack client's default call timeout when none is given. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter) {
        this(maxAttempts, firstBackoff, maxBackoff, maxRetryAfter, DEFAULT_REQUEST_TIMEOUT);
    }

    public static RetryPolicy standard() {
        return new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));
    }

    Duration backoff(int attempt) {
        long millis = firstBackoff.toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    /**
     * The longest one delivery normally takes: every attempt timing out after a lookup (of the post before
     * it) that timed out too, with the longest wait between attempts (a Retry-After at its cap). A claim on
     * a message is made to outlast this.
     */
    public Duration worstCase() {
        Duration longestWait = maxRetryAfter.compareTo(maxBackoff) > 0 ? maxRetryAfter : maxBackoff;
        return requestTimeout.multipliedBy(2L * maxAttempts)
                .plus(longestWait.multipliedBy(Math.max(0, maxAttempts - 1)));
    }
}
