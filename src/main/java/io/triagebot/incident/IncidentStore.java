package io.triagebot.incident;

import io.triagebot.store.Database;
import io.triagebot.store.Jdbc;
import io.triagebot.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Incidents, timelines and the outbox, over JDBC. Every event is stored together with the Slack messages
 * it causes, in one transaction; the outbox then delivers them in order, so a Slack outage loses nothing
 * and a restart repeats nothing that Slack already accepted.
 */
public final class IncidentStore {

    private static final String INCIDENT_COLUMNS = "id, channel, anchor_ts, host, requested_by, opened_at, status,"
            + " severity, headline, pattern, fingerprint, resolved_at, resolved_by, resolution";

    private final Jdbc jdbc;

    public IncidentStore(Database database) {
        this.jdbc = new Jdbc(database.dataSource());
    }

    /**
     * Opens an incident with its first event and its anchor message, which {@code anchor} renders from
     * the new incident (it needs the id).
     */
    public Incident open(String channel, String user, String host, Instant at, String summary,
            Function<Incident, OutgoingMessage> anchor) throws StoreException {
        return jdbc.inTransaction(c -> {
            long id = Jdbc.insert(c, "INSERT INTO incident (channel, host, requested_by, opened_at, status)"
                    + " VALUES (?, ?, ?, ?, ?)", channel, host, user, at, IncidentStatus.OPEN);
            IncidentId incident = new IncidentId(id);
            Incident opened = findIn(c, incident).orElseThrow();
            appendIn(c, incident, EventType.TRIAGE_REQUESTED, user, at, summary, null, List.of(anchor.apply(opened)));
            return opened;
        });
    }

    /** Appends an event and queues its messages, atomically. */
    public TimelineEvent append(IncidentId incident, EventType type, String actor, Instant at, String summary,
            String payload, List<OutgoingMessage> messages) throws StoreException {
        return jdbc.inTransaction(c -> appendIn(c, incident, type, actor, at, summary, payload, messages));
    }

    /** Records a triage's outcome on the incident, for the anchor and for recall. */
    public void recordTriage(IncidentId incident, String severity, String headline, String pattern, String fingerprint)
            throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE incident SET severity = ?, headline = ?, pattern = ?,"
                + " fingerprint = ? WHERE id = ?", severity, Jdbc.fit(headline, 1000), pattern, Jdbc.fit(fingerprint, 500),
                incident.value()));
    }

    /**
     * Resolves the incident and appends the RESOLVED event with its messages.
     *
     * @return false when it was already resolved (nothing changed)
     */
    public boolean resolve(IncidentId incident, String user, Instant at, String note, String summary,
            List<OutgoingMessage> messages) throws StoreException {
        return jdbc.inTransaction(c -> {
            int changed = Jdbc.update(c, "UPDATE incident SET status = ?, resolved_at = ?, resolved_by = ?,"
                    + " resolution = ? WHERE id = ? AND status = ?", IncidentStatus.RESOLVED, at, user,
                    Jdbc.fit(note, 4000), incident.value(), IncidentStatus.OPEN);
            if (changed == 0) {
                return false;
            }
            appendIn(c, incident, EventType.RESOLVED, user, at, summary, null, messages);
            return true;
        });
    }

    public Optional<Incident> find(IncidentId incident) throws StoreException {
        return jdbc.inTransaction(c -> findIn(c, incident));
    }

    public List<TimelineEvent> timeline(IncidentId incident) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM timeline_event WHERE incident_id = ? ORDER BY seq",
                IncidentStore::event, incident.value()));
    }

    /**
     * Earlier triaged incidents of {@code channels} on the same host, or with the same primary pattern (when
     * there is one), newest first. Only those channels: an incident is never quoted where its channel's
     * members could not read it.
     */
    public List<Incident> similar(String host, String pattern, IncidentId exclude, Set<String> channels, int limit)
            throws StoreException {
        if (channels.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(List.of(exclude.value(), host));
        args.add(pattern);
        List<String> sorted = new ArrayList<>(new TreeSet<>(channels));
        args.addAll(sorted);
        args.add(limit);
        String in = String.join(", ", java.util.Collections.nCopies(sorted.size(), "?"));
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident"
                + " WHERE id < ? AND severity IS NOT NULL AND (host = ? OR pattern = ?) AND channel IN (" + in + ")"
                + " ORDER BY opened_at DESC, id DESC LIMIT ?", IncidentStore::incident, args.toArray()));
    }

    /** Events of one type across incidents (e.g. the actions that worked on a past incident). */
    public List<TimelineEvent> events(IncidentId incident, EventType type) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM timeline_event WHERE incident_id = ? AND type = ?"
                + " ORDER BY seq", IncidentStore::event, incident.value(), type));
    }

    /** Open incidents with no triage result and no event after the request: a triage a stop interrupted. */
    public List<Incident> awaitingTriage() throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident i"
                + " WHERE status = 'OPEN' AND severity IS NULL AND NOT EXISTS (SELECT 1 FROM timeline_event e WHERE e.incident_id = i.id"
                + " AND e.type <> 'TRIAGE_REQUESTED') ORDER BY id", IncidentStore::incident));
    }

    // ---- outbox ----

    /**
     * Claims messages that are due, at most one per incident (the next in its order), for {@code lease}.
     * Several bot replicas may call this at once: a row is claimed by exactly one. A message that failed for
     * good never holds back the ones after it: only PENDING messages keep their successors waiting.
     */
    public List<OutboxItem> claimDue(String claimant, Instant now, Duration lease, int limit) throws StoreException {
        List<OutboxItem> candidates = jdbc.inTransaction(c -> Jdbc.query(c,
                "SELECT o.id, o.incident_id, o.seq, o.kind, o.channel, o.message, o.attempts, o.next_attempt_at,"
                        + " i.anchor_ts, o.message_key, (SELECT MIN(r.slack_ts) FROM outbox r"
                        + " WHERE r.incident_id = o.incident_id AND r.message_key = o.message_key AND r.kind = 'REPLY'"
                        + " AND r.status = 'SENT') AS target_ts, o.delivery_key, o.in_doubt, o.created_at"
                        + " FROM outbox o JOIN incident i ON i.id = o.incident_id"
                        + " WHERE o.status = 'PENDING' AND o.next_attempt_at <= ?"
                        + " AND (o.claimed_until IS NULL OR o.claimed_until < ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.incident_id = o.incident_id"
                        + " AND p.seq < o.seq AND p.status = 'PENDING')"
                        + " ORDER BY o.id LIMIT ?",
                rs -> new OutboxItem(rs.getLong("id"), new IncidentId(rs.getLong("incident_id")), rs.getInt("seq"),
                        OutboxKind.valueOf(rs.getString("kind")), rs.getString("channel"), rs.getString("message"),
                        rs.getInt("attempts"), Jdbc.instant(rs, "next_attempt_at"), rs.getString("anchor_ts"),
                        rs.getString("message_key"), rs.getString("target_ts"), deliveryKey(rs),
                        rs.getBoolean("in_doubt"), Jdbc.instant(rs, "created_at"), claimant),
                now, now, limit));
        List<OutboxItem> claimed = new ArrayList<>();
        for (OutboxItem item : candidates) {
            int won = jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE outbox SET claimed_by = ?, claimed_until = ?"
                    + " WHERE id = ? AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < ?)",
                    claimant, now.plus(lease), item.id(), now));
            if (won == 1) {
                claimed.add(item);
            }
        }
        return claimed;
    }

    /**
     * Extends the claim to {@code until} right before an attempt, so a message late in a batch gets a whole
     * lease too; with {@code posting}, also notes that a post may reach Slack from now on. False when the
     * claim is no longer this item's claimant's (it expired and another replica took the message).
     */
    public boolean renewClaim(OutboxItem item, Instant now, Instant until, boolean posting) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE outbox SET claimed_until = ?"
                + (posting ? ", in_doubt = TRUE" : "") + " WHERE id = ? AND status = 'PENDING' AND claimed_by = ?"
                + " AND claimed_until >= ?", until, item.id(), item.claimedBy(), now)) == 1;
    }

    /**
     * Slack accepted it: never send it again. An anchor's ts becomes the incident's. Only the claim's owner
     * may mark it; false (nothing changed) when the claim expired and another replica took it over.
     */
    public boolean markSent(OutboxItem item, String slackTs, Instant at) throws StoreException {
        return jdbc.inTransaction(c -> {
            int changed = Jdbc.update(c, "UPDATE outbox SET status = 'SENT', slack_ts = ?, sent_at = ?,"
                    + " attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL, last_error = NULL,"
                    + " in_doubt = FALSE WHERE id = ? AND status = 'PENDING' AND claimed_by = ?", slackTs, at,
                    item.id(), item.claimedBy());
            if (changed == 1 && item.kind() == OutboxKind.ANCHOR && slackTs != null) {
                Jdbc.update(c, "UPDATE incident SET anchor_ts = ? WHERE id = ?", slackTs, item.incident().value());
            }
            return changed == 1;
        });
    }

    /**
     * Slack did not take it this time: try again at {@code next}. {@code maybePosted} keeps the message in
     * doubt (looked up before the next post); false when Slack's answer says it was not stored.
     */
    public boolean markRetry(OutboxItem item, String error, Instant next, boolean maybePosted) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?,"
                + " last_error = ?, claimed_by = NULL, claimed_until = NULL" + (maybePosted ? "" : ", in_doubt = FALSE")
                + " WHERE id = ? AND status = 'PENDING' AND claimed_by = ?", next, Jdbc.fit(error, 1000), item.id(),
                item.claimedBy())) == 1;
    }

    /** Slack did not take it this time: try again at {@code next} (kept in doubt). */
    public void markRetry(OutboxItem item, String error, Instant next) throws StoreException {
        markRetry(item, error, next, true);
    }

    /**
     * Gives the claim back without counting an attempt (delivery is paused, e.g. the token is refused): the
     * message stays first in its incident's order, due at once when delivery resumes.
     */
    public boolean release(OutboxItem item, String error) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE outbox SET last_error = ?, claimed_by = NULL,"
                + " claimed_until = NULL WHERE id = ? AND status = 'PENDING' AND claimed_by = ?",
                Jdbc.fit(error, 1000), item.id(), item.claimedBy())) == 1;
    }

    /**
     * Slack will never take it (it refused the message itself, or the channel is gone): FAILED, recorded
     * in the incident's timeline as {@link EventType#DELIVERY_FAILED} with {@code summary}, and
     * {@code notices} (telling the thread) queued, all in one transaction. The incident's later messages
     * are delivered as if this one had been. False when the claim was no longer its claimant's.
     */
    public boolean markFailed(OutboxItem item, String error, Instant at, String summary,
            List<OutgoingMessage> notices) throws StoreException {
        return jdbc.inTransaction(c -> {
            int changed = Jdbc.update(c, "UPDATE outbox SET status = 'FAILED', attempts = attempts + 1,"
                    + " last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'PENDING'"
                    + " AND claimed_by = ?", Jdbc.fit(error, 1000), item.id(), item.claimedBy());
            if (changed == 1) {
                appendIn(c, item.incident(), EventType.DELIVERY_FAILED, TimelineEvent.BOT, at, summary, null, notices);
            }
            return changed == 1;
        });
    }

    /** Kept for stores written before FAILED existed; new permanent failures go through {@link #markFailed}. */
    public void markDead(OutboxItem item, String error) throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE outbox SET status = 'DEAD', attempts = attempts + 1,"
                + " last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?", Jdbc.fit(error, 1000), item.id()));
    }

    /** How long the oldest message Slack has not accepted has waited; zero when none waits. */
    public Duration oldestPendingAge(Instant now) throws StoreException {
        List<Instant> oldest = jdbc.inTransaction(c -> Jdbc.query(c,
                "SELECT MIN(created_at) AS oldest FROM outbox WHERE status = 'PENDING'",
                rs -> Jdbc.instant(rs, "oldest")));
        Instant first = oldest.isEmpty() ? null : oldest.get(0);
        return first == null || first.isAfter(now) ? Duration.ZERO : Duration.between(first, now);
    }

    /** Messages by status ('PENDING', 'SENT', 'FAILED', 'DEAD'): for tests and operators. */
    public int countByStatus(IncidentId incident, String status) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT COUNT(*) FROM outbox WHERE incident_id = ? AND status = ?",
                rs -> rs.getInt(1), incident.value(), status).get(0));
    }

    public int pendingCount() throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'",
                rs -> rs.getInt(1)).get(0));
    }

    /** The delivered ts of an incident's messages, in order: for tests and the export. */
    public List<String> deliveredTs(IncidentId incident) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT slack_ts FROM outbox WHERE incident_id = ?"
                + " AND status = 'SENT' ORDER BY seq", rs -> rs.getString(1), incident.value()));
    }

    // ---- internals ----

    private static TimelineEvent appendIn(Connection c, IncidentId incident, EventType type, String actor, Instant at,
            String summary, String payload, List<OutgoingMessage> messages) throws SQLException {
        // Lock the incident row: appends to one incident are serialised, so seq never collides.
        List<Long> locked = Jdbc.query(c, "SELECT id FROM incident WHERE id = ? FOR UPDATE", rs -> rs.getLong(1),
                incident.value());
        if (locked.isEmpty()) {
            throw new SQLException("no incident " + incident);
        }
        int seq = nextSeq(c, "timeline_event", incident);
        long eventId = Jdbc.insert(c, "INSERT INTO timeline_event (incident_id, seq, type, actor, occurred_at, summary,"
                + " payload) VALUES (?, ?, ?, ?, ?, ?, ?)", incident.value(), seq, type, Jdbc.fit(actor, 64), at,
                Jdbc.fit(summary, 4000), payload);
        String channel = Jdbc.query(c, "SELECT channel FROM incident WHERE id = ?", rs -> rs.getString(1),
                incident.value()).get(0);
        for (OutgoingMessage m : messages) {
            Jdbc.insert(c, "INSERT INTO outbox (incident_id, event_id, seq, kind, channel, message, message_key, status,"
                    + " attempts, next_attempt_at, created_at, delivery_key) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0,"
                    + " ?, ?, ?)", incident.value(), eventId, nextSeq(c, "outbox", incident), m.kind(), channel,
                    m.body(), m.key(), at, at, UUID.randomUUID().toString());
        }
        return new TimelineEvent(eventId, incident, seq, type, actor, at, summary, payload);
    }

    /** Rows queued before keys existed get one from their id (unique within this database). */
    private static String deliveryKey(ResultSet rs) throws SQLException {
        String key = rs.getString("delivery_key");
        return key != null ? key : "outbox-" + rs.getLong("id");
    }

    private static int nextSeq(Connection c, String table, IncidentId incident) throws SQLException {
        return Jdbc.query(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM " + table + " WHERE incident_id = ?",
                rs -> rs.getInt(1), incident.value()).get(0);
    }

    private static Optional<Incident> findIn(Connection c, IncidentId incident) throws SQLException {
        return Jdbc.query(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?", IncidentStore::incident,
                incident.value()).stream().findFirst();
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        return new Incident(new IncidentId(rs.getLong("id")), rs.getString("channel"), rs.getString("anchor_ts"),
                rs.getString("host"), rs.getString("requested_by"), Jdbc.instant(rs, "opened_at"),
                IncidentStatus.valueOf(rs.getString("status")), rs.getString("severity"), rs.getString("headline"),
                rs.getString("pattern"), rs.getString("fingerprint"), Jdbc.instant(rs, "resolved_at"),
                rs.getString("resolved_by"), rs.getString("resolution"));
    }

    private static TimelineEvent event(ResultSet rs) throws SQLException {
        return new TimelineEvent(rs.getLong("id"), new IncidentId(rs.getLong("incident_id")), rs.getInt("seq"),
                EventType.valueOf(rs.getString("type")), rs.getString("actor"), Jdbc.instant(rs, "occurred_at"),
                rs.getString("summary"), rs.getString("payload"));
    }
}
