package io.triagebot.approval;

import io.triagebot.incident.IncidentId;
import java.time.Instant;
import java.util.Map;

/**
 * One proposed action, as stored: a runbook bound to one host and one set of parameter values.
 *
 * @param token the opaque value Slack buttons carry; nothing else from a click is trusted
 * @param rollbackOf the action this one undoes, or null
 * @param requestedBy who asked for the triage that proposed it; may not approve it unless allowed
 * @param previousValue what the capture step read before the change: the rollback value
 * @param approvalsRequired distinct approvers needed before it runs (the runbook's {@code approvals})
 * @param metric the expected metric verification compares, or null
 * @param beforeValue that metric as the proposing triage measured it, or null when unknown
 */
public record ActionRecord(long id, String token, IncidentId incident, String pattern, String runbookId, String host,
        Map<String, String> parameters, Long rollbackOf, ActionState state, String requestedBy, Instant proposedAt,
        Instant expiresAt, String decidedBy, Instant decidedAt, String previousValue, Integer exitCode, String output,
        Instant executedAt, Instant verifyAfter, Double beforeValue, Double afterValue, String verdict,
        int approvalsRequired, String metric) {

    /** True for the proposal that undoes an earlier action. */
    public boolean isRollback() {
        return rollbackOf != null;
    }
}
