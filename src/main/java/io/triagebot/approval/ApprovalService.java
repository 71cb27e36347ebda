package io.triagebot.approval;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.ops.LogContext;
import io.triagebot.probe.HostName;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.Expectation;
import io.triagebot.runbook.InvalidParametersException;
import io.triagebot.runbook.ResolvedAction;
import io.triagebot.runbook.Runbook;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approve-to-run: turns the runbooks a triage suggests into proposals bound to one host, runbook and set
 * of parameter values; lets people other than the requester approve one, which runs it exactly once;
 * rejects and expires the rest. Every step is an event on the incident's timeline, stored with the card
 * update or thread reply it causes.
 */
public final class ApprovalService {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);

    /** How a host name becomes a runner (SSH, or the local machine). */
    @FunctionalInterface
    public interface Runners {
        ScriptRunner runnerFor(HostName host) throws TargetException;
    }

    /** Hears each step an action takes ("proposed", "executed", ...): metrics. */
    @FunctionalInterface
    public interface Observer {
        void on(String outcome);

        Observer NONE = outcome -> { };
    }

    private final ActionStore actions;
    private final IncidentStore incidents;
    private final RunbookCatalog catalog;
    private final ApprovalPolicy policy;
    private final ActionExecutor executor;
    private final Runners runners;
    private final ActionPresenter presenter;
    private final Observer observer;
    private final Clock clock;
    private final Duration approvalTtl;
    private final ActionLeases leases;
    /** Set when the bot stops: no command starts any more, and a running one is recorded as soon as it ends. */
    private volatile boolean stopping;

    public ApprovalService(ActionStore actions, IncidentStore incidents, RunbookCatalog catalog, ApprovalPolicy policy,
            ActionExecutor executor, Runners runners, ActionPresenter presenter, Observer observer, Clock clock,
            Duration approvalTtl) {
        this(actions, incidents, catalog, policy, executor, runners, presenter, observer, clock, approvalTtl,
                new ActionLeases(actions, "local-" + ProcessHandle.current().pid(), clock));
    }

    /** @param leases this replica's name and the leases of the actions it runs */
    public ApprovalService(ActionStore actions, IncidentStore incidents, RunbookCatalog catalog, ApprovalPolicy policy,
            ActionExecutor executor, Runners runners, ActionPresenter presenter, Observer observer, Clock clock,
            Duration approvalTtl, ActionLeases leases) {
        this.leases = leases;
        this.actions = actions;
        this.incidents = incidents;
        this.catalog = catalog;
        this.policy = policy;
        this.executor = executor;
        this.runners = runners;
        this.presenter = presenter;
        this.observer = observer;
        this.clock = clock;
        this.approvalTtl = approvalTtl;
    }

    public ActionStore store() {
        return actions;
    }

    /** This replica's name as the actions it runs store it. */
    public String owner() {
        return leases.owner();
    }

    /**
     * The bot is stopping: an action not yet at its command stops there with nothing changed, one whose
     * command runs is recorded as soon as the command ends, so the longest wait is one step.
     */
    public void stopping() {
        stopping = true;
    }

    /** Stops renewing leases (after the last execution ended). */
    public void close() {
        leases.close();
    }

    /**
     * Proposes every runbook the report's findings suggest whose parameters resolve, each with a card in
     * the thread; a suggestion that does not resolve (a value the runbook's types refuse) is skipped and
     * logged, never offered. The same runbook with the same values is offered once, under the first
     * (most severe) finding that suggests it.
     *
     * @param snapshot what the report was made from, for the "before" of metrics a report does not carry;
     *     may be null
     */
    public List<ActionRecord> propose(Incident incident, Report report, Snapshot snapshot) throws StoreException {
        List<ActionRecord> proposed = new ArrayList<>();
        Set<String> offered = new LinkedHashSet<>();
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
                if (!offered.add(resolved.id() + resolved.values())) {
                    continue;
                }
                Runbook runbook = resolved.runbook();
                Optional<Map<String, Long>> bindings = ProcessBindings.bind(resolved, snapshot);
                if (bindings.isEmpty()) {
                    LOG.warn("{}: not offering {} {}: a process it names is not in the snapshot, so it cannot be"
                            + " bound to its start time", incident.id(), s.id(), s.parameters());
                    continue;
                }
                Optional<Expectation> expect = runbook.expectationFor(f.pattern());
                double before = expect.map(e -> MetricReadings.read(e.metric(), report, snapshot).orElse(Double.NaN))
                        .orElse(Double.NaN);
                ActionRecord a = actions.propose(new ActionStore.Proposal(incident.id(), f.pattern(), s.id(),
                        incident.host(), resolved.values(), null, incident.requestedBy(), runbook.approvals(),
                        expect.map(e -> e.metric().yamlName()).orElse(null), before, incident.requestedBy(),
                        pin(resolved), bindings.get()), now, now.plus(approvalTtl));
                incidents.append(incident.id(), EventType.ACTION_PROPOSED, "triagebot", now,
                        "proposed " + resolved.humanCommand() + " for " + f.pattern(), null,
                        List.of(presenter.card(card(a))));
                observer.on("proposed");
                proposed.add(a);
            }
        }
        return proposed;
    }

    /**
     * A click on "Approve & run". Only the click that completes the approvals runs the action; duplicate
     * clicks, retries and late clicks are told it is already decided.
     */
    public ApprovalDecision approve(String token, String user) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty()) {
            return new ApprovalDecision.Unknown();
        }
        ActionRecord action = found.get();
        try (LogContext.Scope scope = action.logFields().and(LogContext.Field.SLACK_USER, user).open()) {
            return approve(action, user);
        }
    }

    private ApprovalDecision approve(ActionRecord action, String user) throws StoreException {
        Instant now = clock.instant();
        String refusal = policy.refusal(user, action);
        if (refusal != null) {
            incidents.append(action.incident(), EventType.ACTION_REFUSED, user, now,
                    "approval of " + action.runbookId() + " by " + user + " refused: " + refusal, null, List.of());
            observer.on("refused");
            return new ApprovalDecision.Refused(refusal);
        }
        ActionStore.Approval step = actions.approve(action.id(), user, now, leases.owner());
        ActionRecord current = actions.find(action.id()).orElseThrow();
        switch (step) {
            case CLOSED, DUPLICATE -> {
                return new ApprovalDecision.AlreadyDecided(current);
            }
            case RECORDED -> {
                ActionCard card = card(current);
                incidents.append(action.incident(), EventType.ACTION_APPROVED, user, now, "approved "
                        + action.runbookId() + " " + action.parameters() + " (" + card.approvers().size() + " of "
                        + action.approvalsRequired() + " approvals)", null, List.of(presenter.cardUpdate(card)));
                observer.on("approved");
                return new ApprovalDecision.Waiting(current, card.approvers());
            }
            case CLAIMED -> {
                incidents.append(action.incident(), EventType.ACTION_APPROVED, user, now,
                        "approved " + action.runbookId() + " " + action.parameters(), null,
                        List.of(presenter.cardUpdate(card(current))));
                observer.on("approved");
                Ran ran = run(current, user);
                return new ApprovalDecision.Executed(ran.record(), ran.execution());
            }
            default -> throw new IllegalStateException("unknown approval step " + step);
        }
    }

    /** A click on "Reject": anyone allowed in the channel may stop a proposal. */
    public ApprovalDecision reject(String token, String user) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty()) {
            return new ApprovalDecision.Unknown();
        }
        ActionRecord action = found.get();
        if (!actions.reject(action.id(), user, clock.instant())) {
            return new ApprovalDecision.AlreadyDecided(actions.find(action.id()).orElseThrow());
        }
        ActionRecord rejected = actions.find(action.id()).orElseThrow();
        if (rejected.isRollback()) {
            actions.releaseRollback(rejected.rollbackOf());
        }
        incidents.append(action.incident(), EventType.ACTION_REJECTED, user, clock.instant(),
                "rejected " + action.runbookId() + " " + action.parameters(), null,
                List.of(presenter.cardUpdate(card(rejected))));
        observer.on("rejected");
        return new ApprovalDecision.Rejected(rejected);
    }

    /**
     * A click on "Dry run": runs the precondition and the capture (read-only) to show the current value
     * the rollback would restore; never the command.
     */
    public Optional<DryRun> dryRun(String token) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ActionRecord action = found.get();
        ActionCard card = card(action);
        List<String> checks = List.of();
        try {
            ResolvedAction resolved = catalog.resolve(action.runbookId(), action.parameters());
            checks = resolved.qualityChecks().lines();
            ActionExecutor.Preview preview = executor.preview(runners.runnerFor(new HostName(action.host())), resolved,
                    bindingsOf(action));
            String rollback = preview.rollback();
            if (action.isRollback()) {
                rollback = "this is the rollback; to undo it, run the original action again";
            }
            return Optional.of(new DryRun(card, preview.current(), preview.problem(), rollback, checks));
        } catch (InvalidParametersException | TargetException e) {
            return Optional.of(new DryRun(card, null, "cannot check the host: " + e.getMessage(), "unknown",
                    checks));
        }
    }

    /** Expires proposals past their time (a scheduled job); each expiry is a timeline event and a card update. */
    public List<ActionRecord> expireDue() throws StoreException {
        List<ActionRecord> expired = actions.expire(clock.instant());
        for (ActionRecord a : expired) {
            try (LogContext.Scope scope = a.logFields().open()) {
                expired(a);
            }
        }
        return expired;
    }

    private void expired(ActionRecord a) throws StoreException {
        if (a.isRollback()) {
            actions.releaseRollback(a.rollbackOf());
        }
        incidents.append(a.incident(), EventType.ACTION_EXPIRED, "triagebot", clock.instant(),
                a.runbookId() + " expired unapproved after " + approvalTtl.toMinutes() + " min", null,
                List.of(presenter.cardUpdate(card(a))));
        observer.on("expired");
    }

    /**
     * A click on "Roll back": proposes the undo of an applied action (the same runbook, restoring the
     * captured previous value) as a new card that someone other than {@code user} must approve. Duplicate
     * clicks propose it once.
     *
     * @return the rollback proposal, or empty when there is nothing to roll back or it is already proposed
     */
    public Optional<ActionRecord> proposeRollback(String token, String user) throws StoreException {
        Optional<ActionRecord> found = actions.findByToken(token);
        if (found.isEmpty() || !found.get().undoable()) {
            return Optional.empty();
        }
        ActionRecord a = found.get();
        Instant now = clock.instant();
        String pin;
        try {
            ResolvedAction resolved = catalog.resolve(a.runbookId(), a.parameters());
            pin = ActionPin.ofRollback(resolved.render(executor.privilege()),
                    resolved.rollbackWith(a.previousValue(), executor.privilege()));
        } catch (InvalidParametersException | RuntimeException e) {
            LOG.warn("{}: cannot propose the rollback of action {}: {}", a.incident(), a.id(), e.getMessage());
            return Optional.empty();
        }
        if (!actions.claimRollback(a.id(), now, approvalTtl)) {
            return Optional.empty();
        }
        // As many approvals as the runbook needs; the incident's requester and whoever asked for the
        // rollback are both excluded from approving it.
        ActionRecord rollback = actions.propose(new ActionStore.Proposal(a.incident(), a.pattern(), a.runbookId(),
                a.host(), a.parameters(), a.id(), a.requestedBy(), a.approvalsRequired(), null, Double.NaN, user, pin,
                a.bindings()), now, now.plus(approvalTtl));
        incidents.append(a.incident(), EventType.ACTION_PROPOSED, user, now,
                "rollback of " + a.runbookId() + " to " + a.previousValue().strip() + " requested by " + user, null,
                List.of(presenter.card(card(rollback))));
        observer.on("proposed");
        return Optional.of(rollback);
    }

    /** The card of an action as it stands now. */
    public ActionCard card(ActionRecord action) throws StoreException {
        Optional<Runbook> runbook = catalog.find(action.runbookId());
        String title = runbook.map(Runbook::title).orElse(action.runbookId());
        String command = action.runbookId() + " " + action.parameters();
        String risk = runbook.map(r -> r.risk().word()).orElse("unknown");
        String expectation = null;
        try {
            ResolvedAction resolved = catalog.resolve(action.runbookId(), action.parameters());
            command = resolved.render(executor.privilege()).humanCommand();
            if (action.isRollback()) {
                ActionRecord original = actions.find(action.rollbackOf()).orElseThrow();
                title = "Roll back: " + title;
                command = resolved.rollbackWith(original.previousValue(), executor.privilege()).human();
            }
            expectation = resolved.runbook().expectationFor(action.pattern())
                    .map(e -> e.metric().description() + " should go " + e.direction().word()).orElse(null);
        } catch (InvalidParametersException | RuntimeException e) {
            LOG.warn("{}: card of action {} shows its stored values only: {}", action.incident(), action.id(),
                    e.getMessage());
        }
        return new ActionCard(action, title, command, risk, actions.approvers(action.id()), expectation);
    }

    /** Stores the captured value before the command may start; false stops the run with nothing changed. */
    private boolean stored(ActionRecord action, String previous) {
        try {
            return actions.recordCapture(action.id(), leases.owner(), previous, clock.instant());
        } catch (StoreException | RuntimeException e) {
            LOG.error("{}: cannot store the captured value of action {}: not running its command: {}",
                    action.incident(), action.id(), e.toString());
            return false;
        }
    }

    /** Why the action would not run what its card showed (the catalog changed since), or null. */
    private String pinMismatch(ActionRecord action, ResolvedAction resolved, ActionRecord original)
            throws InvalidParametersException {
        if (action.pin() == null) {
            return null; // proposed before pins existed
        }
        String now = action.isRollback()
                ? ActionPin.ofRollback(resolved.render(executor.privilege()),
                        resolved.rollbackWith(original.previousValue(), executor.privilege()))
                : pin(resolved);
        return now.equals(action.pin()) ? null
                : "not run: runbook " + action.runbookId() + " changed since this card was proposed, so what would run"
                        + " now is not what the card showed. Nothing was changed; triage again for a card of the"
                        + " current runbook.";
    }

    private String pin(ResolvedAction resolved) {
        return ActionPin.of(resolved.render(executor.privilege()), resolved.rollbackTemplate());
    }

    private static Map<String, Long> bindingsOf(ActionRecord action) {
        return action.bindings();
    }

    /**
     * Marks UNKNOWN every action a dead process left EXECUTING (see {@link ActionStore#markInterrupted}) and
     * says in its thread what may have happened, with the stored previous value and a Roll back button.
     *
     * @param deadOwner owners known to be gone (a previous run of this process)
     */
    public List<ActionRecord> recoverInterrupted(java.util.function.Predicate<String> deadOwner)
            throws StoreException {
        Instant now = clock.instant();
        List<ActionRecord> moved = actions.markInterrupted(deadOwner, now.minus(ActionLeases.STALE));
        for (ActionRecord a : moved) {
            try (LogContext.Scope scope = a.logFields().open()) {
                interrupted(a, now);
            }
        }
        return moved;
    }

    private void interrupted(ActionRecord a, Instant now) throws StoreException {
        ActionCard card = card(a);
        String happened = interruptedSummary(a);
        incidents.append(a.incident(), EventType.ACTION_INTERRUPTED, "triagebot", now, happened, null,
                List.of(presenter.cardUpdate(card), presenter.interrupted(card)));
        observer.on("unknown");
    }

    /** What may have happened to an action whose process died while it ran, by the last step it reached. */
    static String interruptedSummary(ActionRecord a) {
        String what = a.runbookId() + " " + a.parameters() + " on " + a.host();
        if ("command".equals(a.step()) || "read-back".equals(a.step())) {
            return what + ": the bot stopped while the command ran or just after; the change may or may not have"
                    + " taken effect. Value before: "
                    + (a.previousValue() == null ? "none captured" : a.previousValue().strip());
        }
        return what + ": the bot stopped before the command started (at " + (a.step() == null ? "the start"
                : "the " + a.step()) + "); nothing should have changed, but check the host.";
    }

    /** An execution and the record it left. */
    private record Ran(ActionRecord record, ActionExecutor.Execution execution) {
    }

    private Ran run(ActionRecord action, String approver) throws StoreException {
        ActionExecutor.Execution execution;
        ActionRecord original = action.isRollback() ? actions.find(action.rollbackOf()).orElseThrow() : null;
        try (AutoCloseable lease = leases.hold(action.id())) {
            ResolvedAction resolved = catalog.resolve(action.runbookId(), action.parameters());
            String changed = pinMismatch(action, resolved, original);
            if (changed != null) {
                execution = new ActionExecutor.Execution(false, null, -1, changed, false, action.runbookId());
            } else if (action.isRollback()) {
                ScriptRunner runner = runners.runnerFor(new HostName(action.host()));
                execution = executor.rollback(runner, resolved, original.previousValue(), bindingsOf(action));
            } else {
                ScriptRunner runner = runners.runnerFor(new HostName(action.host()));
                execution = executor.execute(runner, resolved, bindingsOf(action), new ActionExecutor.Hooks() {
                    @Override
                    public boolean captured(String previous) {
                        return !stopping && stored(action, previous);
                    }

                    @Override
                    public boolean stopping() {
                        return stopping;
                    }
                });
            }
        } catch (InvalidParametersException | TargetException e) {
            execution = new ActionExecutor.Execution(false, null, -1, e.getMessage(), false, action.runbookId());
        } catch (RuntimeException e) {
            // Never leave an action EXECUTING: record the failure like any other.
            LOG.error("{}: action {} failed unexpectedly", action.incident(), action.id(), e);
            execution = new ActionExecutor.Execution(false, null, -1, "internal error: " + e, false, action.runbookId());
        } catch (Exception e) {
            throw new IllegalStateException("releasing a lease does not fail", e);
        }
        Instant now = clock.instant();
        // A rollback is not verified: it restores a value that was in place before the incident's action.
        Instant verifyAfter = action.isRollback() ? null : now.plusSeconds(
                catalog.find(action.runbookId()).map(Runbook::settleSeconds).orElse(60));
        ActionRecord done = actions.recordExecution(action.id(), execution.state(), execution.step(),
                execution.previous(), execution.exitCode(), execution.output(), now, verifyAfter);
        List<OutgoingMessage> messages = new ArrayList<>();
        ActionCard doneCard = card(done);
        messages.add(presenter.cardUpdate(doneCard));
        messages.add(presenter.result(doneCard, execution));
        boolean rolledBack = action.isRollback() && execution.succeeded();
        if (rolledBack && actions.markRolledBack(original.id())) {
            messages.add(presenter.cardUpdate(card(actions.find(original.id()).orElseThrow())));
        }
        incidents.append(action.incident(), rolledBack ? EventType.ACTION_ROLLED_BACK : EventType.ACTION_EXECUTED,
                approver, now, execution.command() + " exited " + execution.exitCode()
                        + (execution.previous() == null ? "" : "; previous value " + execution.previous().strip())
                        + (execution.applied() ? "; change confirmed on the host" : ""),
                execution.output(), messages);
        observer.on(rolledBack ? "rolled_back" : execution.succeeded() ? "executed" : "failed");
        return new Ran(done, execution);
    }
}
