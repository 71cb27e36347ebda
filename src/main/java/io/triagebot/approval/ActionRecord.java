package io.triagebot.approval;

import io.triagebot.ops.LogContext;
import io.triagebot.incident.IncidentId;
import java.time.Instant;
import java.util.Map;

/**
 * One proposed action, as stored: a runbook bound to one host and one set of parameter values.
 *
 * @param token the opaque value Slack buttons carry; nothing else from a click is trusted
 * @param rollbackOf the action this one undoes, or null
 * @param requestedBy who asked for the triage that proposed it; may not approve it unless allowed
 * @param previousValue what the capture step read before the change: the rollback value, stored before the
 *     command ran
 * @param approvalsRequired distinct approvers needed before it runs (the runbook's {@code approvals})
 * @param metric the expected metric verification compares, or null
 * @param beforeValue that metric as the proposing triage measured it, or null when unknown
 * @param proposedBy who proposed or triggered it (the requester, or who clicked Roll back); never an approver
 * @param step the last step it reached on the host (precondition, capture, command, read-back), or null
 * @param pin SHA-256 of what its card showed (the rendered scripts), or null for a record from before pins
 * @param bindings process parameters to the start time they were bound to at proposal
 * @param owner the replica that ran (or runs) it, or null
 */
public record ActionRecord(long id, String token, IncidentId incident, String pattern, String runbookId, String host,
        Map<String, String> parameters, Long rollbackOf, ActionState state, String requestedBy, Instant proposedAt,
        Instant expiresAt, String decidedBy, Instant decidedAt, String previousValue, Integer exitCode, String output,
        Instant executedAt, Instant verifyAfter, Double beforeValue, Double afterValue, String verdict,
        int approvalsRequired, String metric, String proposedBy, String step, String pin, Map<String, Long> bindings,
        String owner) {

    public ActionRecord {
        bindings = bindings == null ? Map.of() : Map.copyOf(bindings);
    }

    /** The log fields of work on this action: every line logged inside names the action, incident and host. */
    public LogContext.Fields logFields() {
        return LogContext.with(LogContext.Field.ACTION, id + " " + runbookId)
                .and(LogContext.Field.INCIDENT, incident.toString())
                .and(LogContext.Field.HOST, host);
    }

    /** A record without the fields of execution bookkeeping (tests and presenters). */
    public ActionRecord(long id, String token, IncidentId incident, String pattern, String runbookId, String host,
            Map<String, String> parameters, Long rollbackOf, ActionState state, String requestedBy, Instant proposedAt,
            Instant expiresAt, String decidedBy, Instant decidedAt, String previousValue, Integer exitCode, String output,
            Instant executedAt, Instant verifyAfter, Double beforeValue, Double afterValue, String verdict,
            int approvalsRequired, String metric) {
        this(id, token, incident, pattern, runbookId, host, parameters, rollbackOf, state, requestedBy, proposedAt,
                expiresAt, decidedBy, decidedAt, previousValue, exitCode, output, executedAt, verifyAfter, beforeValue,
                afterValue, verdict, approvalsRequired, metric, requestedBy, null, null, Map.of(), null);
    }

    /** True for the proposal that undoes an earlier action. */
    public boolean isRollback() {
        return rollbackOf != null;
    }

    /**
     * Whether a rollback may be proposed: not itself a rollback, a value captured before the command, and a
     * state in which the change may be in place (a FAILED action only if the command step was reached).
     */
    public boolean undoable() {
        if (isRollback() || previousValue == null || !ActionState.MAY_HAVE_CHANGED.contains(state)) {
            return false;
        }
        return state != ActionState.FAILED || "command".equals(step) || "read-back".equals(step);
    }
}
