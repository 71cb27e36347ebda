package io.triagebot.slack;

import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxItem;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.ops.LogContext;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to Slack: each incident's messages in order (the anchor first, since replies need
 * its ts), each marked sent the moment Slack accepts it, and each posted once:
 * <ul>
 *   <li>A message Slack will not take now (rate limit, 5xx, timeout, network) is retried with growing
 *       delays; one whose post may have been stored is looked up by its key before it is posted again.</li>
 *   <li>A message Slack refuses for good (invalid_blocks, msg_too_long, channel_not_found...) is FAILED:
 *       recorded in the incident's timeline, the thread told once in plain text, and the incident's later
 *       messages go on.</li>
 *   <li>A refused token (invalid_auth, token_revoked...) pauses all delivery, losing nothing, until an
 *       auth.test probe says the token works again; {@link #tokenOk()} says which.</li>
 * </ul>
 * A claim on a message lasts {@link #lease}, longer than the worst case of one delivery; it is renewed
 * right before each message, and only its owner can mark the message.
 * Runs on demand after new messages are queued, and from a scheduled job for retries and after restarts.
 */
public final class OutboxDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDeliverer.class);

    /** Room beyond the worst case for clocks that disagree and a slow database. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** How often a paused deliverer asks Slack whether the token works again. */
    static final Duration TOKEN_PROBE_INTERVAL = Duration.ofSeconds(10);
    /** Slack's error codes are short; anything longer is clipped in the thread notice. */
    private static final int MAX_ERROR_IN_NOTICE = 60;
    private static final int BATCH = 50;
    /** Key prefix of the plain-text notices that tell a thread a message failed: their failure is not told. */
    static final String NOTICE_KEY = "delivery-notice-";

    private final IncidentStore store;
    private final SlackPoster poster;
    private final String replica;
    private final Clock clock;
    private final Duration lease;
    private final Duration probeInterval;
    private final ExecutorService kicker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-deliverer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean kickPending = new AtomicBoolean();
    private final Object deliveryLock = new Object();
    /** Null while the token works; else when the pause began and when to probe next. */
    private final AtomicReference<Pause> pause = new AtomicReference<>();

    private record Pause(String error, Instant nextProbe) {
    }

    public OutboxDeliverer(IncidentStore store, SlackPoster poster, String replica, Clock clock) {
        this(store, poster, replica, clock, leaseFor(poster.policy()), TOKEN_PROBE_INTERVAL);
    }

    /**
     * @param lease how long a claim lasts; the poster never starts an attempt that could outlive it
     * @param probeInterval how often auth.test is tried while the token is refused
     */
    public OutboxDeliverer(IncidentStore store, SlackPoster poster, String replica, Clock clock, Duration lease,
            Duration probeInterval) {
        this.store = store;
        this.poster = poster;
        this.replica = replica;
        this.clock = clock;
        this.lease = lease;
        this.probeInterval = probeInterval;
    }

    /** A claim outlasting the worst-case delivery under {@code policy}: every timeout and wait, plus margin. */
    public static Duration leaseFor(RetryPolicy policy) {
        return policy.worstCase().plus(LEASE_MARGIN);
    }

    public Duration lease() {
        return lease;
    }

    /** False while Slack refuses the bot token: delivery is paused, nothing is dropped. */
    public boolean tokenOk() {
        return pause.get() == null;
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
     * replies due). Returns how many messages went out or were settled for good.
     */
    public int deliverDue() {
        synchronized (deliveryLock) {
            if (!resumed()) {
                return 0;
            }
            int settled = 0;
            while (true) {
                List<OutboxItem> due;
                try {
                    due = store.claimDue(replica, clock.instant(), lease, BATCH);
                } catch (StoreException e) {
                    LOG.error("outbox: cannot read the queue: {}", e.getMessage());
                    return settled;
                }
                if (due.isEmpty()) {
                    return settled;
                }
                int before = settled;
                for (OutboxItem item : due) {
                    if (!tokenOk()) {
                        release(item, "delivery paused: " + pause.get().error());
                        continue;
                    }
                    settled += deliver(item) ? 1 : 0;
                }
                if (settled == before || !tokenOk()) {
                    return settled;
                }
            }
        }
    }

    /** True when delivery may go on: the token works, or a probe due now says it works again. */
    private boolean resumed() {
        Pause paused = pause.get();
        if (paused == null) {
            return true;
        }
        if (clock.instant().isBefore(paused.nextProbe())) {
            return false;
        }
        try {
            if (poster.tokenWorks()) {
                pause.set(null);
                LOG.info("outbox: Slack accepts the bot token again; delivery resumes");
                return true;
            }
            LOG.warn("outbox: Slack still refuses the bot token ({}); delivery stays paused", paused.error());
        } catch (SlackDeliveryException e) {
            LOG.warn("outbox: cannot check the bot token: {}", e.getMessage());
        }
        pause.set(new Pause(paused.error(), clock.instant().plus(probeInterval)));
        return false;
    }

    /** Returns true when the message is settled: delivered, or failed for good. */
    private boolean deliver(OutboxItem item) {
        try (LogContext.Scope scope = LogContext.with(LogContext.Field.INCIDENT, item.incident().toString()).open()) {
            return deliverClaimed(item);
        }
    }

    private boolean deliverClaimed(OutboxItem item) {
        Instant until = clock.instant().plus(lease);
        boolean posting = posts(item);
        try {
            if (!store.renewClaim(item, clock.instant(), until, posting)) {
                LOG.warn("outbox: the claim on message {} of {} ended before its turn; another replica has it",
                        item.seq(), item.incident());
                return false;
            }
        } catch (StoreException e) {
            LOG.error("outbox: cannot renew the claim on message {} of {}: {}", item.seq(), item.incident(),
                    e.getMessage());
            return false;
        }
        String ts;
        try {
            ts = send(item, posting, until);
        } catch (SlackDeliveryException e) {
            return failed(item, e);
        } catch (RuntimeException e) {
            // A body that cannot be decoded will not decode next time either.
            return failed(item, new SlackDeliveryException("outbox", "cannot decode or send: " + e,
                    SlackDeliveryException.Kind.PERMANENT, false, e));
        }
        try {
            if (!store.markSent(item, ts, clock.instant())) {
                // Another replica took the message over; it finds this post by its key and marks it.
                LOG.warn("outbox: message {} of {} was delivered after its claim ended; its new owner settles it",
                        item.seq(), item.incident());
                return false;
            }
            return true;
        } catch (StoreException e) {
            // Stays in doubt: the next attempt finds the post by its key instead of posting again.
            LOG.error("outbox: message {} of {} was delivered but could not be marked sent: {}", item.seq(),
                    item.incident(), e.getMessage());
            return false;
        }
    }

    /** Posts (each once, by key) or rewrites; returns the ts of a posted message. */
    private String send(OutboxItem item, boolean posting, Instant until) throws SlackDeliveryException {
        if (item.kind() == OutboxKind.UPLOAD) {
            poster.upload(item.channel(), anchor(item), MessageCodec.decodeUpload(item.body()));
            return null;
        }
        SlackMessage message = MessageCodec.decodeMessage(item.body());
        if (posting) {
            String thread = item.kind() == OutboxKind.ANCHOR ? null : anchor(item);
            return poster.postOnce(item.channel(), thread, message,
                    new DeliveryKey(item.deliveryKey(), item.createdAt()), item.inDoubt(), until);
        }
        if (item.kind() == OutboxKind.UPDATE_ANCHOR) {
            poster.update(item.channel(), anchor(item), message);
        } else {
            poster.update(item.channel(), item.targetTs(), message);
        }
        return null;
    }

    /** Messages that create a Slack message (rewrites repeat harmlessly; they need no key). */
    private static boolean posts(OutboxItem item) {
        return switch (item.kind()) {
            case ANCHOR, REPLY -> true;
            // The card never reached Slack (failed): post the news rather than lose it.
            case UPDATE -> item.targetTs() == null;
            case UPDATE_ANCHOR, UPLOAD -> false;
        };
    }

    private boolean failed(OutboxItem item, SlackDeliveryException e) {
        try {
            switch (e.kind()) {
                case TOKEN -> {
                    if (pause.compareAndSet(null, new Pause(e.error(), clock.instant().plus(probeInterval)))) {
                        LOG.error("outbox: Slack refuses the bot token ({}); delivery paused, nothing is dropped;"
                                + " it resumes once the token works", e.error());
                    }
                    store.release(item, e.getMessage());
                    return false;
                }
                case PERMANENT -> {
                    LOG.error("outbox: Slack will not take message {} of {} ({}); it is marked failed and the"
                            + " incident's later messages go on", item.seq(), item.incident(), e.error());
                    store.markFailed(item, e.getMessage(), clock.instant(), summary(item, e), notices(item, e));
                    return true;
                }
                default -> {
                    Duration wait = backoff(item.attempts() + 1);
                    LOG.warn("outbox: message {} of {} not delivered ({}); next try in {} s", item.seq(),
                            item.incident(), e.getMessage(), wait.toSeconds());
                    store.markRetry(item, e.getMessage(), clock.instant().plus(wait), e.maybePosted());
                    return false;
                }
            }
        } catch (StoreException se) {
            LOG.error("outbox: cannot record the failure of message {} of {}: {}", item.seq(), item.incident(),
                    se.getMessage());
            return false;
        }
    }

    private static String summary(OutboxItem item, SlackDeliveryException e) {
        return "message " + item.seq() + " (" + item.kind().name().toLowerCase(java.util.Locale.ROOT)
                + ") not delivered: Slack answered " + e.error();
    }

    /**
     * One short plain-text line for the thread, unless it cannot arrive (no thread, or the channel is
     * closed to the bot) or the failed message was itself such a line.
     */
    private static List<OutgoingMessage> notices(OutboxItem item, SlackDeliveryException e) {
        boolean isNotice = item.key() != null && item.key().startsWith(NOTICE_KEY);
        if (isNotice || item.anchorTs() == null || SlackErrors.CHANNEL_CLOSED.contains(e.error())) {
            return List.of();
        }
        String error = Mrkdwn.clip(Mrkdwn.escape(e.error()), MAX_ERROR_IN_NOTICE);
        String text = "A message of this incident could not be posted (Slack answered " + error
                + "); it is recorded in the timeline.";
        return List.of(MessageCodec.message(OutboxKind.REPLY, new SlackMessage(text, List.of()),
                NOTICE_KEY + item.id()));
    }

    private void release(OutboxItem item, String why) {
        try {
            store.release(item, why);
        } catch (StoreException e) {
            LOG.error("outbox: cannot give back message {} of {}: {}", item.seq(), item.incident(), e.getMessage());
        }
    }

    private static String anchor(OutboxItem item) throws SlackDeliveryException {
        if (item.anchorTs() == null) {
            // Its anchor failed for good (the anchor always goes first): there is no thread to post into.
            throw new SlackDeliveryException("outbox", "no thread: the anchor of " + item.incident()
                    + " was not delivered", SlackDeliveryException.Kind.PERMANENT, false, null);
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

    static Duration backoff(int attempts) {
        long seconds = Math.min(MAX_BACKOFF.toSeconds(), 2L << Math.min(attempts, 10));
        return Duration.ofSeconds(seconds);
    }

    @Override
    public void close() {
        kicker.shutdownNow();
    }
}
