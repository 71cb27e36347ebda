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

    /** Stores a proposal; returns it with its opaque token. */
    public ActionRecord propose(IncidentId incident, String pattern, String runbookId, String host,
            Map<String, String> parameters, Long rollbackOf, String requestedBy, Instant now, Instant expiresAt)
            throws StoreException {
        String token = newToken();
        String params = json(parameters);
        long id = jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO action (token, incident_id, pattern, runbook_id,"
                + " host, parameters, rollback_of, state, requested_by, proposed_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", token, incident.value(), pattern, runbookId, host, params,
                rollbackOf, ActionState.PROPOSED, requestedBy, now, expiresAt));
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

    /**
     * Approves and claims the action for execution, if it is still proposed and not expired.
     *
     * @return true for exactly one caller
     */
    public boolean approve(long id, String approver, Instant now) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, decided_by = ?, decided_at = ?"
                + " WHERE id = ? AND state = ? AND expires_at > ?", ActionState.EXECUTING, approver, now, id,
                ActionState.PROPOSED, now)) == 1;
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
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, previous_value = ?, exit_code = ?,"
                + " output = ?, executed_at = ?, verify_after = ? WHERE id = ? AND state = ?",
                exitCode == 0 ? ActionState.EXECUTED : ActionState.FAILED, clip(previousValue, 4000), exitCode,
                clip(output, 16000), at, exitCode == 0 ? verifyAfter : null, id, ActionState.EXECUTING));
        return find(id).orElseThrow();
    }

    /** Executed actions whose settle time has passed and that nobody has verified yet, claimed once each. */
    public List<ActionRecord> claimDueVerifications(Instant now) throws StoreException {
        List<ActionRecord> due = jdbc.inTransaction(c -> Jdbc.query(c,
                "SELECT * FROM action WHERE state = ? AND verify_after <= ?", ActionStore::row, ActionState.EXECUTED, now));
        List<ActionRecord> claimed = new java.util.ArrayList<>();
        for (ActionRecord a : due) {
            // verify_after moves out of the way: only one verifier takes it.
            int won = jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET verify_after = NULL"
                    + " WHERE id = ? AND state = ? AND verify_after IS NOT NULL", a.id(), ActionState.EXECUTED));
            if (won == 1) {
                claimed.add(a);
            }
        }
        return claimed;
    }

    public void recordVerification(long id, double before, double after, boolean improved, String verdict)
            throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ?, before_value = ?, after_value = ?,"
                + " verdict = ? WHERE id = ? AND state = ?", improved ? ActionState.VERIFIED : ActionState.NOT_IMPROVED,
                Double.isNaN(before) ? null : before, Double.isNaN(after) ? null : after, clip(verdict, 32), id,
                ActionState.EXECUTED));
    }

    /** The original action, once its rollback has run. */
    public boolean markRolledBack(long id) throws StoreException {
        return jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE action SET state = ? WHERE id = ? AND state IN (?, ?, ?)",
                ActionState.ROLLED_BACK, id, ActionState.EXECUTED, ActionState.VERIFIED, ActionState.NOT_IMPROVED)) == 1;
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
                afterValue, rs.getString("verdict"));
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

    private static Map<String, String> parse(String json) throws SQLException {
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("stored parameters are not JSON: " + e.getMessage(), e);
        }
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
