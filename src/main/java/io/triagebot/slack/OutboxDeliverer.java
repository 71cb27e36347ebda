package io.triagebot.slack;

import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxItem;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to Slack: each incident's messages in order (the anchor first, since replies need
 * its ts), each marked sent the moment Slack accepts it. A message Slack will not take now is retried
 * with growing delays until it does; one Slack will never take (channel gone) is set aside, logged.
 * Runs on demand after new messages are queued, and from a scheduled job for retries and after restarts.
 */
public final class OutboxDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDeliverer.class);

    /** A claim outlives the slowest delivery (Slack's retries included) with room to spare. */
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int BATCH = 50;

    private final IncidentStore store;
    private final SlackPoster poster;
    private final String replica;
    private final Clock clock;
    private final ExecutorService kicker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-deliverer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean kickPending = new AtomicBoolean();
    private final Object deliveryLock = new Object();

    public OutboxDeliverer(IncidentStore store, SlackPoster poster, String replica, Clock clock) {
        this.store = store;
        this.poster = poster;
        this.replica = replica;
        this.clock = clock;
    }

    /** Asks for a delivery round soon; rounds requested while one is queued are merged. */
    public void kick() {
        if (kickPending.compareAndSet(false, true)) {
            try {
                kicker.execute(() -> {
                    kickPending.set(false);
                    deliverDue();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Stopping: what is queued goes out at the next start.
                kickPending.set(false);
            }
        }
    }

    /**
     * Delivers everything due, round after round, until nothing more is (an anchor's delivery makes its
     * replies due). Returns how many messages Slack accepted.
     */
    public int deliverDue() {
        synchronized (deliveryLock) {
            int delivered = 0;
            while (true) {
                List<OutboxItem> due;
                try {
                    due = store.claimDue(replica, clock.instant(), LEASE, BATCH);
                } catch (StoreException e) {
                    LOG.error("outbox: cannot read the queue: {}", e.getMessage());
                    return delivered;
                }
                if (due.isEmpty()) {
                    return delivered;
                }
                int before = delivered;
                for (OutboxItem item : due) {
                    delivered += deliver(item) ? 1 : 0;
                }
                if (delivered == before) {
                    return delivered;
                }
            }
        }
    }

    private boolean deliver(OutboxItem item) {
        try {
            String ts = null;
            switch (item.kind()) {
                case ANCHOR -> ts = poster.post(item.channel(), null, MessageCodec.decodeMessage(item.body()));
                case REPLY -> ts = poster.post(item.channel(), anchor(item), MessageCodec.decodeMessage(item.body()));
                case UPDATE_ANCHOR -> poster.update(item.channel(), anchor(item), MessageCodec.decodeMessage(item.body()));
                case UPDATE -> {
                    if (item.targetTs() != null) {
                        poster.update(item.channel(), item.targetTs(), MessageCodec.decodeMessage(item.body()));
                    } else {
                        // The card never reached Slack (set aside): post the news rather than lose it.
                        ts = poster.post(item.channel(), anchor(item), MessageCodec.decodeMessage(item.body()));
                    }
                }
                case UPLOAD -> poster.upload(item.channel(), anchor(item), MessageCodec.decodeUpload(item.body()));
                default -> throw new IllegalStateException("unknown outbox kind " + item.kind());
            }
            store.markSent(item, ts, clock.instant());
            return true;
        } catch (SlackDeliveryException e) {
            return failed(item, e);
        } catch (StoreException e) {
            LOG.error("outbox: message {} of {} was delivered but could not be marked sent: {}", item.seq(),
                    item.incident(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            return failed(item, new SlackDeliveryException("outbox", "cannot decode or send: " + e, e));
        }
    }

    private boolean failed(OutboxItem item, SlackDeliveryException e) {
        try {
            if (permanent(e.error())) {
                LOG.error("outbox: Slack will not take message {} of {} ({}); setting it aside", item.seq(),
                        item.incident(), e.error());
                store.markDead(item, e.getMessage());
            } else {
                Duration wait = backoff(item.attempts() + 1);
                LOG.warn("outbox: message {} of {} not delivered ({}); next try in {} s", item.seq(), item.incident(),
                        e.getMessage(), wait.toSeconds());
                store.markRetry(item, e.getMessage(), clock.instant().plus(wait));
            }
        } catch (StoreException se) {
            LOG.error("outbox: cannot record the failure of message {} of {}: {}", item.seq(), item.incident(),
                    se.getMessage());
        }
        return false;
    }

    private static String anchor(OutboxItem item) throws SlackDeliveryException {
        if (item.anchorTs() == null) {
            // Cannot happen while anchors are delivered first; refuse rather than post outside the thread.
            throw new SlackDeliveryException("outbox", "anchor of " + item.incident() + " not delivered yet", null);
        }
        return item.anchorTs();
    }

    /**
     * Delivers what it can within {@code limit}, for an orderly stop; what is left stays queued and goes
     * out at the next start, so a Slack outage never holds a stop hostage.
     */
    public void flush(Duration limit) {
        java.util.concurrent.Future<Integer> round = kicker.submit(this::deliverDue);
        try {
            round.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("outbox: not flushed within {} s; the rest goes out at the next start", limit.toSeconds());
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("outbox: flush failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Errors that retrying cannot fix. */
    static boolean permanent(String error) {
        return error != null && (error.contains("channel_not_found") || error.contains("is_archived")
                || error.contains("not_in_channel") || error.contains("invalid_auth") || error.contains("account_inactive")
                || error.contains("token_revoked") || error.contains("message_not_found")
                || error.contains("cannot decode"));
    }

    static Duration backoff(int attempts) {
        long seconds = Math.min(MAX_BACKOFF.toSeconds(), 2L << Math.min(attempts, 10));
        return Duration.ofSeconds(seconds);
    }

    @Override
    public void close() {
        kicker.shutdownNow();
    }
}
