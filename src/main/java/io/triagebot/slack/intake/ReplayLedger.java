package io.triagebot.slack.intake;

import io.triagebot.store.Database;
import io.triagebot.store.Jdbc;
import io.triagebot.store.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests already acted on (table {@code slack_request_seen}), shared by every replica through the
 * database: the first insert of a key wins, so of any number of deliveries of one signed request or one
 * Socket Mode envelope, to any replicas, exactly one is acted on. Rows are kept until the request could
 * no longer pass the timestamp check, then swept out.
 */
public final class ReplayLedger {

    /** Longest key stored (the column's width). */
    public static final int MAX_KEY = 100;
    /** How often expired rows are swept, at most. */
    static final Duration SWEEP = Duration.ofMinutes(1);

    private final Jdbc jdbc;
    private final Clock clock;
    private final AtomicReference<Instant> nextSweep;

    public ReplayLedger(Database database, Clock clock) {
        this.jdbc = new Jdbc(database.dataSource());
        this.clock = clock;
        this.nextSweep = new AtomicReference<>(clock.instant());
    }

    /**
     * Records {@code key} until {@code expiresAt}.
     *
     * @return true the first time a key is seen, false for a replay of it
     */
    public boolean firstSeen(String key, Instant expiresAt) throws StoreException {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("ledger key of " + key.length() + " characters");
        }
        sweepWhenDue();
        try {
            jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO slack_request_seen (request_key, expires_at) VALUES (?, ?)",
                    key, expiresAt));
            return true;
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    private void sweepWhenDue() throws StoreException {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP))) {
            return;
        }
        jdbc.inTransaction(c -> Jdbc.update(c, "DELETE FROM slack_request_seen WHERE expires_at < ?", now));
    }
}
