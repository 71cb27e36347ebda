package io.triagebot.approval;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.probe.HostName;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.InvalidParametersException;
import io.triagebot.runbook.ResolvedAction;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approve-to-run: turns the runbooks a triage suggests into proposals bound to one host, runbook and set
 * of parameter values; lets someone other than the requester approve one, which runs it exactly once;
 * rejects and expires the rest. Every step is an event on the incident's timeline.
 */
public final class ApprovalService {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);

    /** How a host name becomes a runner (SSH, or the local machine). */
    @FunctionalInterface
    public interface Runners {
        ScriptRunner runnerFor(HostName host) throws TargetException;
    }

    private final ActionStore actions;
    private final IncidentStore incidents;
    private final RunbookCatalog catalog;
    private final ApprovalPolicy policy;
    private final ActionExecutor executor;
    private final Runners runners;
    private final Clock clock;
    private final Duration approvalTtl;

    public ApprovalService(ActionStore actions, IncidentStore incidents, RunbookCatalog catalog, ApprovalPolicy policy,
            ActionExecutor executor, Runners runners, Clock clock, Duration approvalTtl) {
        this.actions = actions;
        this.incidents = incidents;
        this.catalog = catalog;
        this.policy = policy;
        this.executor = executor;
        this.runners = runners;
        this.clock = clock;
        this.approvalTtl = approvalTtl;
    }

    /**
     * Proposes every runbook the report's findings suggest whose parameters resolve; a suggestion that does
     * not resolve (a value the runbook's types refuse) is skipped and logged, never offered.
     */
    public List<ActionRecord> propose(Incident incident, Report report) throws StoreException {
        List<ActionRecord> proposed = new ArrayList<>();
        Instant now = clock.instant();
        for (Finding f : report.findings()) {
            for (RunbookSuggestion s : f.runbooks()) {
                ResolvedAction resolved;
                try {
                    resolved = catalog.resolve(s.id(), s.parameters());
                } catch (InvalidParametersException | RuntimeException e) {
                    LOG.warn("{}: not offering {} {}: {}", incident.id(), s.id(), s.parameters(), e.getMessage());
                    continue;
                }
                ActionRecord a = actions.propose(incident.id(), f.pattern(), s.id(), incident.host(), resolved.values(),
                        null, incident.requestedBy(), now, now.plus(approvalTtl));
                incidents.append(incident.id(), EventType.ACTION_PROPOSED, "triagebot", now,
                        "proposed " + resolved.humanCommand() + " for " + f.pattern(), null, List.of());
                proposed.add(a);
            }
        }
        return proposed;
    }

    /** A click on "Approve & run". Only the first allowed click runs the action; the rest are told so. */
    public ApprovalDecision approve(String token, String user) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty()) {
            return new ApprovalDecision.Unknown();
        }
        ActionRecord action = found.get();
        Instant now = clock.instant();
        String refusal = policy.refusal(user, action);
        if (refusal != null) {
            incidents.append(action.incident(), EventType.ACTION_REFUSED, user, now,
                    "approval of " + action.runbookId() + " refused: " + refusal, null, List.of());
            return new ApprovalDecision.Refused(refusal);
        }
        if (!actions.approve(action.id(), user, now)) {
            return new ApprovalDecision.AlreadyDecided(actions.find(action.id()).orElseThrow());
        }
        incidents.append(action.incident(), EventType.ACTION_APPROVED, user, now,
                "approved " + action.runbookId() + " " + action.parameters(), null, List.of());
        Ran ran = run(action, user);
        return new ApprovalDecision.Executed(ran.record(), ran.execution());
    }

    /** A click on "Reject". */
    public ApprovalDecision reject(String token, String user) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty()) {
            return new ApprovalDecision.Unknown();
        }
        ActionRecord action = found.get();
        if (!actions.reject(action.id(), user, clock.instant())) {
            return new ApprovalDecision.AlreadyDecided(actions.find(action.id()).orElseThrow());
        }
        incidents.append(action.incident(), EventType.ACTION_REJECTED, user, clock.instant(),
                "rejected " + action.runbookId(), null, List.of());
        return new ApprovalDecision.Rejected(actions.find(action.id()).orElseThrow());
    }

    /** Expires proposals past their time (a scheduled job); each expiry is a timeline event. */
    public List<ActionRecord> expireDue() throws StoreException {
        List<ActionRecord> expired = actions.expire(clock.instant());
        for (ActionRecord a : expired) {
            incidents.append(a.incident(), EventType.ACTION_EXPIRED, "triagebot", clock.instant(),
                    a.runbookId() + " expired unapproved after " + approvalTtl.toMinutes() + " min", null, List.of());
        }
        return expired;
    }

    /**
     * Proposes the rollback of an executed action: the same runbook with the captured previous value, itself
     * approval-gated like any action.
     */
    public Optional<ActionRecord> proposeRollback(String token) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty() || found.get().previousValue() == null) {
            return Optional.empty();
        }
        ActionRecord a = found.get();
        Instant now = clock.instant();
        ActionRecord rollback = actions.propose(a.incident(), a.pattern(), a.runbookId(), a.host(), a.parameters(),
                a.id(), a.requestedBy(), now, now.plus(approvalTtl));
        incidents.append(a.incident(), EventType.ACTION_PROPOSED, "triagebot", now,
                "proposed rollback of " + a.runbookId() + " to " + a.previousValue().strip(), null, List.of());
        return Optional.of(rollback);
    }

    /** An execution and the record it left. */
    private record Ran(ActionRecord record, ActionExecutor.Execution execution) {
    }

    private Ran run(ActionRecord action, String approver) throws StoreException {
        ActionExecutor.Execution execution;
        try {
            ResolvedAction resolved = catalog.resolve(action.runbookId(), action.parameters());
            ScriptRunner runner = runners.runnerFor(new HostName(action.host()));
            if (action.rollbackOf() != null) {
                ActionRecord original = actions.find(action.rollbackOf()).orElseThrow();
                execution = executor.rollback(runner, resolved, original.previousValue());
                if (execution.succeeded()) {
                    actions.markRolledBack(original.id());
                }
            } else {
                execution = executor.execute(runner, resolved);
            }
        } catch (InvalidParametersException | TargetException e) {
            execution = new ActionExecutor.Execution(false, null, -1, e.getMessage(), false, action.runbookId());
        }
        Instant now = clock.instant();
        Duration settle = catalog.find(action.runbookId()).map(r -> Duration.ofSeconds(r.settleSeconds()))
                .orElse(Duration.ofMinutes(1));
        ActionRecord done = actions.recordExecution(action.id(), execution.previous(), execution.exitCode(),
                execution.output(), now, now.plus(settle));
        incidents.append(action.incident(), action.rollbackOf() != null && execution.succeeded()
                ? EventType.ACTION_ROLLED_BACK : EventType.ACTION_EXECUTED, approver, now,
                execution.command() + " exited " + execution.exitCode()
                        + (execution.previous() == null ? "" : "; previous value " + execution.previous().strip())
                        + (execution.applied() ? "; change confirmed on the host" : ""),
                execution.output(), List.of());
        return new Ran(done, execution);
    }
}
