package io.triagebot.approval;

import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of the actions this replica is running: each is renewed every {@link #HEARTBEAT} while its
 * execution runs. An EXECUTING action whose lease is older than {@link #STALE} belongs to a process that
 * is gone (killed, out of memory, cut off from the database), and any replica may mark it UNKNOWN; a live
 * replica's actions are never taken.
 */
public final class ActionLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionLeases.class);

    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Six missed heartbeats: a database hiccup or a GC pause is not a death. */
    public static final Duration STALE = Duration.ofSeconds(30);

    private final ActionStore actions;
    private final String owner;
    private final Clock clock;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public ActionLeases(ActionStore actions, String owner, Clock clock) {
        this.actions = actions;
        this.owner = owner;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "action-lease");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::renew, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This replica's name as stored in {@code action.owner}. */
    public String owner() {
        return owner;
    }

    /** Renews {@code id}'s lease until the returned handle is closed. */
    public AutoCloseable hold(long id) {
        running.add(id);
        return () -> running.remove(id);
    }

    private void renew() {
        for (Long id : running) {
            try {
                actions.heartbeat(id, owner, clock.instant());
            } catch (StoreException | RuntimeException e) {
                LOG.warn("cannot renew the lease of action {}: {}", id, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
