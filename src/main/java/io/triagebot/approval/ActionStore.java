package io.triagebot.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.incident.IncidentId;
import io.triagebot.store.Database;
import io.triagebot.store.Jdbc;
import io.triagebot.store.StoreException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Proposed actions and their single path through approval, execution and verification. Each transition
 * is a conditional UPDATE that names the state it leaves: of twenty simultaneous approvals (duplicate
 * clicks, Slack retries, two replicas), exactly one sees "1 row updated" and runs the action.
 */
public final class ActionStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;

    public ActionStore(Database database) {
        this.jdbc = new Jdbc(database.dataSource());
    }

    /**
     * What to propose: a runbook bound to one host and one set of values, and what verification compares.
     *
     * @param metric the runbook's expected metric (its yaml name), or null when it declares none
     * @param before that metric as the proposing triage measured it; NaN when unknown
     */
    public record Proposal(IncidentId incident, String pattern, String runbookId, String host,
            Map<String, String> parameters, Long rollbackOf, String requestedBy, int approvalsRequired, String metric,
            double before, String proposedBy, String pin, Map<String, Long> bindings) {

        public Proposal {
            bindings = bindings == null ? Map.of() : Map.copyOf(bindings);
        }

        /** Proposed by the requester, unpinned, binding no process. */
        public Proposal(IncidentId incident, String pattern, String runbookId, String host,
                Map<String, String> parameters, Long rollbackOf, String requestedBy, int approvalsRequired,
                String metric, double before) {
            this(incident, pattern, runbookId, host, parameters, rollbackOf, requestedBy, approvalsRequired, metric,
                    before, requestedBy, null, Map.of());
        }
    }

    /** Stores a proposal; returns it with its opaque token. */
    public ActionRecord propose(Proposal p, Instant now, Instant expiresAt) throws StoreException {
        String token = newToken();
        String params = json(p.parameters());
        long id = jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO action (token, incident_id, pattern, runbook_id,"
                + " host, parameters, rollback_of, state, requested_by, proposed_at, expires_at, approvals_required,"
                + " metric, before_value, proposed_by, pin, bindings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)", token, p.incident().value(),
                p.pattern(), p.runbookId(), p.host(), params, p.rollbackOf(), ActionState.PROPOSED, p.requestedBy(), now,
                expiresAt, Math.max(1, p.approvalsRequired()), p.metric(), Double.isNaN(p.before()) ? null : p.before(),
                p.proposedBy(), p.pin(), jsonLongs(p.bindings())));
        return find(id).orElseThrow();
    }

    public Optional<ActionRecord> findByToken(String token) throws StoreException {
        if (token == null || !token.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM action WHERE token = ?", ActionStore::row, token))
                .stream().findFirst();
    }

    public Optional<ActionRecord> find(long id) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM action WHERE id = ?", ActionStore::row, id))
                .stream().findFirst();
    }

    public List<ActionRecord> forIncident(IncidentId incident) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM action WHERE incident_id = ? ORDER BY id",
                ActionStore::row, incident.value()));
    }

    /** Where an approval left the action. */
    public enum Approval {
        /** This approval completed the set and claimed the action: the caller runs it, and nobody else. */
        CLAIMED,
        /** This person's approval is recorded; more distinct approvers are needed. */
        RECORDED,
        /** This person had already approved (a duplicate click); more distinct approvers are needed. */
        DUPLICATE,
        /** Not proposed any more (decided, running, expired): nothing recorded. */
        CLOSED
    }

    /**
     * Records {@code approver}'s approval of a still-open action and, once enough distinct people have
     * approved, claims it for execution. Of any number of simultaneous calls (duplicate clicks, Slack
     * retries, replicas), at most one gets CLAIMED: the final move is a conditional UPDATE.
     */
    public Approval approve(long id, String approver, Instant now) throws StoreException {
        return approve(id, approver, now, "local");
    }

    /**
     * As {@link #approve(long, String, Instant)}; a claim names {@code owner}, the replica that runs the
     * action, and starts its heartbeat.
     */
    public Approval approve(long id, String approver, Instant now, String owner) throws StoreException {
        int inserted = jdbc.inTransaction(c -> {
            try {
                return Jdbc.update(c, "INSERT INTO action_approval (action_id, approver, approved_at)"
                        + " SELECT id, ?, ? FROM action a WHERE a.id = ? AND a.state = ? AND a.expires_at > ?"
                        + " AND NOT EXISTS (SELECT 1 FROM action_approval p WHERE p.action_id = a.id AND p.approver = ?)",
                        approver, now, id, ActionState.PROPOSED, now, approver);
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return 0; // the same person's simultaneous click won the insert: one approval either way
                }
                throw e;
            }
        });
        return jdbc.inTransaction(c -> {
            int have = Jdbc.query(c, "SELECT COUNT(*) FROM action_approval WHERE action_id = ?", rs -> rs.getInt(1),
                    id).get(0);
            int claimed = Jdbc.update(c, "UPDATE action SET state = ?, decided_by = ?, decided_at = ?, owner = ?,"
                    + " heartbeat_at = ? WHERE id = ? AND state = ? AND expires_at > ? AND approvals_required <= ?",
                    ActionState.EXECUTING, approver, now, owner, now, id, ActionState.PROPOSED, now, have);
            if (claimed == 1) {
                return Approval.CLAIMED;
            }
            boolean open = !Jdbc.query(c, "SELECT id FROM action WHERE id = ? AND state = ? AND expires_at > ?",
                    rs -> rs.getLong(1), id, ActionState.PROPOSED, now).isEmpty();
            return !open ? Approval.CLOSED : inserted == 1 ? Approval.RECORDED : Approval.DUPLICATE;
        });
    }

    /** Who approved the action so far, in order. */
    public List<String> approvers(long id) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.query(c, "SELECT approver FROM action_approval WHERE action_id = ?"
                + " ORDER BY approved_at, approver", rs -> rs.getString(1), id));
    }

    /**
     * Claims the right to propose the rollback of an applied action: one proposal at a time, so duplicate
     * "Roll back" clicks make one card. A claim older than {@code ttl} (its proposal expired) lapses.
     */
    public boolean claimRollback(long id, Instant now, java.time.Duration ttl) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET rollback_requested_at = ? WHERE id = ?"
                + " AND state IN (?, ?, ?, ?, ?, ?) AND (rollback_requested_at IS NULL OR rollback_requested_at < ?)",
                now, id, ActionState.EXECUTED, ActionState.VERIFIED, ActionState.NOT_IMPROVED, ActionState.TIMED_OUT,
                ActionState.UNKNOWN, ActionState.FAILED, now.minus(ttl))) == 1;
    }

    /** A rollback proposal was rejected or expired: the original may be proposed for rollback again. */
    public void releaseRollback(long id) throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET rollback_requested_at = NULL WHERE id = ?", id));
    }

    /** @return true when it was still proposed */
    public boolean reject(long id, String user, Instant now) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, decided_by = ?, decided_at = ?"
                + " WHERE id = ? AND state = ?", ActionState.REJECTED, user, now, id, ActionState.PROPOSED)) == 1;
    }

    /** Marks every proposal past its expiry as expired and returns them (for the card updates). */
    public List<ActionRecord> expire(Instant now) throws StoreException {
        List<ActionRecord> due = jdbc.inTransaction(c -> Jdbc.query(c,
                "SELECT * FROM action WHERE state = ? AND expires_at <= ?", ActionStore::row, ActionState.PROPOSED, now));
        List<ActionRecord> expired = new java.util.ArrayList<>();
        for (ActionRecord a : due) {
            int changed = jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ? WHERE id = ? AND state = ?",
                    ActionState.EXPIRED, a.id(), ActionState.PROPOSED));
            if (changed == 1) {
                expired.add(find(a.id()).orElseThrow());
            }
        }
        return expired;
    }

    /** Records what the execution did; EXECUTED when it exited 0, else FAILED. */
    public ActionRecord recordExecution(long id, String previousValue, int exitCode, String output, Instant at,
            Instant verifyAfter) throws StoreException {
        return recordExecution(id, exitCode == 0 ? ActionState.EXECUTED : ActionState.FAILED, null, previousValue,
                exitCode, output, at, verifyAfter);
    }

    /**
     * Records how the execution ended ({@code state}: EXECUTED, FAILED or TIMED_OUT) and the last step it
     * reached. A previous value already stored by {@link #recordCapture} is kept when {@code previousValue}
     * is null. Only an action still EXECUTING moves: one marked UNKNOWN meanwhile stays so.
     */
    public ActionRecord recordExecution(long id, ActionState state, String step, String previousValue, int exitCode,
            String output, Instant at, Instant verifyAfter) throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, previous_value = COALESCE(?,"
                + " previous_value), exit_code = ?, output = ?, executed_at = ?, verify_after = ?, step = COALESCE(?,"
                + " step) WHERE id = ? AND state = ?", state, Jdbc.fit(previousValue, 4000), exitCode,
                Jdbc.fit(output, 16000), at, state == ActionState.EXECUTED ? verifyAfter : null, step, id,
                ActionState.EXECUTING));
        return find(id).orElseThrow();
    }

    /**
     * Stores the value the capture read, the moment it is read and before the command runs (the caller
     * lets the command start only when this returns true): whatever happens next, the rollback value is
     * known. False when the action is no longer this owner's to run.
     */
    public boolean recordCapture(long id, String owner, String previousValue, Instant now) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET previous_value = ?, step = ?, heartbeat_at = ?"
                + " WHERE id = ? AND state = ? AND owner = ?", Jdbc.fit(previousValue, 4000), "command", now, id,
                ActionState.EXECUTING, owner)) == 1;
    }

    /** The running owner is alive: renews the action's lease. */
    public void heartbeat(long id, String owner, Instant now) throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET heartbeat_at = ? WHERE id = ? AND state = ?"
                + " AND owner = ?", now, id, ActionState.EXECUTING, owner));
    }

    /**
     * Marks UNKNOWN every action left EXECUTING by a process that is gone: its owner is in {@code deadOwners}
     * (a previous run of this very process), or it stopped renewing its lease before {@code staleBefore}.
     * A live replica renews its actions' leases, so none of its actions is taken. Returns the actions moved.
     */
    public List<ActionRecord> markInterrupted(java.util.function.Predicate<String> deadOwner, Instant staleBefore)
            throws StoreException {
        List<ActionRecord> running = jdbc.inTransaction(c -> Jdbc.query(c, "SELECT * FROM action WHERE state = ?",
                ActionStore::row, ActionState.EXECUTING));
        List<ActionRecord> moved = new java.util.ArrayList<>();
        for (ActionRecord a : running) {
            boolean dead = a.owner() == null || deadOwner.test(a.owner());
            int changed = jdbc.inTransaction(c -> dead
                    ? Jdbc.update(c, "UPDATE action SET state = ? WHERE id = ? AND state = ?", ActionState.UNKNOWN,
                            a.id(), ActionState.EXECUTING)
                    : Jdbc.update(c, "UPDATE action SET state = ? WHERE id = ? AND state = ? AND (heartbeat_at IS NULL"
                            + " OR heartbeat_at < ?)", ActionState.UNKNOWN, a.id(), ActionState.EXECUTING, staleBefore));
            if (changed == 1) {
                moved.add(find(a.id()).orElseThrow());
            }
        }
        return moved;
    }

    /** How long a claimed verification is its claimer's: a claimer that dies leaves it due again after this. */
    static final java.time.Duration VERIFY_LEASE = java.time.Duration.ofMinutes(5);

    /**
     * Executed actions whose settle time has passed and that nobody has verified yet, claimed once each. The
     * claim pushes verify_after one lease ahead: a verifier killed mid-way leaves the action due again then.
     */
    public List<ActionRecord> claimDueVerifications(Instant now) throws StoreException {
        List<ActionRecord> due = jdbc.inTransaction(c -> Jdbc.query(c,
                "SELECT * FROM action WHERE state = ? AND verify_after <= ?", ActionStore::row, ActionState.EXECUTED, now));
        List<ActionRecord> claimed = new java.util.ArrayList<>();
        for (ActionRecord a : due) {
            // verify_after moves one lease ahead: only one verifier takes it, and it survives that verifier.
            int won = jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET verify_after = ?"
                    + " WHERE id = ? AND state = ? AND verify_after = ?", now.plus(VERIFY_LEASE), a.id(),
                    ActionState.EXECUTED, a.verifyAfter()));
            if (won == 1) {
                claimed.add(a);
            }
        }
        return claimed;
    }

    /** Records the before/after comparison; returns the updated record (unchanged if no longer EXECUTED). */
    public ActionRecord recordVerification(long id, double after, boolean improved, String verdict)
            throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, after_value = ?, verdict = ?"
                + " WHERE id = ? AND state = ?", improved ? ActionState.VERIFIED : ActionState.NOT_IMPROVED,
                Double.isNaN(after) ? null : after, Jdbc.fit(verdict, 32), id, ActionState.EXECUTED));
        return find(id).orElseThrow();
    }

    /** The original action, once its rollback has run. */
    public boolean markRolledBack(long id) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ? WHERE id = ?"
                + " AND state IN (?, ?, ?, ?, ?, ?)", ActionState.ROLLED_BACK, id, ActionState.EXECUTED,
                ActionState.VERIFIED, ActionState.NOT_IMPROVED, ActionState.TIMED_OUT, ActionState.UNKNOWN,
                ActionState.FAILED)) == 1;
    }

    private static ActionRecord row(ResultSet rs) throws SQLException {
        long rollback = rs.getLong("rollback_of");
        Long rollbackOf = rs.wasNull() ? null : rollback;
        int exit = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        double before = rs.getDouble("before_value");
        Double beforeValue = rs.wasNull() ? null : before;
        double after = rs.getDouble("after_value");
        Double afterValue = rs.wasNull() ? null : after;
        return new ActionRecord(rs.getLong("id"), rs.getString("token"), new IncidentId(rs.getLong("incident_id")),
                rs.getString("pattern"), rs.getString("runbook_id"), rs.getString("host"),
                parse(rs.getString("parameters")), rollbackOf, ActionState.valueOf(rs.getString("state")),
                rs.getString("requested_by"), Jdbc.instant(rs, "proposed_at"), Jdbc.instant(rs, "expires_at"),
                rs.getString("decided_by"), Jdbc.instant(rs, "decided_at"), rs.getString("previous_value"), exitCode,
                rs.getString("output"), Jdbc.instant(rs, "executed_at"), Jdbc.instant(rs, "verify_after"), beforeValue,
                afterValue, rs.getString("verdict"), rs.getInt("approvals_required"), rs.getString("metric"),
                rs.getString("proposed_by") == null ? rs.getString("requested_by") : rs.getString("proposed_by"),
                rs.getString("step"), rs.getString("pin"), parseLongs(rs.getString("bindings")), rs.getString("owner"));
    }

    private static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String json(Map<String, String> parameters) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(parameters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    private static String jsonLongs(Map<String, Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of numbers always serialises", e);
        }
    }

    private static Map<String, Long> parseLongs(String json) throws SQLException {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, Long>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("stored bindings are not JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parse(String json) throws SQLException {
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("stored parameters are not JSON: " + e.getMessage(), e);
        }
    }
}
