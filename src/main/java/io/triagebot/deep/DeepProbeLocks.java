package io.triagebot.deep;

import io.triagebot.store.StoreException;
import java.time.Instant;

/**
 * One deep probe per host at a time, and a cooldown after each: the claim every run takes first. The bot
 * keeps claims in its database so that every replica sees them ({@link JdbcDeepProbeLocks}); the command
 * line keeps them in memory ({@link InMemoryDeepProbeLocks}).
 */
public interface DeepProbeLocks {

    /** The answer to a claim. */
    sealed interface Claim permits Granted, Busy, CoolingDown {
    }

    /** The caller may run; it must {@link #release} with this token. */
    record Granted(String host, String token) implements Claim {
    }

    /** Another deep probe runs on the host. */
    record Busy(String kind, String requestedBy, Instant startedAt, Instant until) implements Claim {
    }

    /** The last deep probe on the host ended less than the cooldown ago. */
    record CoolingDown(Instant until) implements Claim {
    }

    /**
     * Claims {@code host} until {@code leaseUntil} (after which a crashed holder's claim lapses), unless a
     * run holds it or it is cooling down. Of any number of simultaneous claims, at most one is granted.
     */
    Claim acquire(String host, String kind, String requestedBy, Instant now, Instant leaseUntil) throws StoreException;

    /** Ends a granted claim; the host then cools down until {@code cooldownUntil}. */
    void release(Granted claim, Instant cooldownUntil) throws StoreException;
}
