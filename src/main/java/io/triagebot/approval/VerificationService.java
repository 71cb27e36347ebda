package io.triagebot.approval;

import io.triagebot.ops.LogContext;
import io.triagebot.incident.EventType;
import io.triagebot.incident.IncidentStore;
import io.triagebot.probe.HostName;
import io.triagebot.runbook.Expectation;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.VerificationMetric;
import io.triagebot.store.StoreException;
import io.triagebot.triage.Triage;
import io.triagebot.triage.TriageOutcome;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an action's settle time, triages its host again and compares the runbook's expected metric with
 * what the proposing triage measured: "improved", "no improvement: consider rolling back", or "could not
 * measure". Each action is verified once, whichever replica's job claims it.
 */
public final class VerificationService {

    private static final Logger LOG = LoggerFactory.getLogger(VerificationService.class);

    private final ActionStore actions;
    private final IncidentStore incidents;
    private final ApprovalService approvals;
    private final RunbookCatalog catalog;
    private final Triage triage;
    private final ActionPresenter presenter;
    private final ApprovalService.Observer observer;
    private final Clock clock;

    public VerificationService(ActionStore actions, IncidentStore incidents, ApprovalService approvals,
            RunbookCatalog catalog, Triage triage, ActionPresenter presenter, ApprovalService.Observer observer,
            Clock clock) {
        this.actions = actions;
        this.incidents = incidents;
        this.approvals = approvals;
        this.catalog = catalog;
        this.triage = triage;
        this.presenter = presenter;
        this.observer = observer;
        this.clock = clock;
    }

    /** Verifies every executed action whose settle time has passed; returns how many. */
    public int verifyDue() throws StoreException {
        List<ActionRecord> due = actions.claimDueVerifications(clock.instant());
        for (ActionRecord a : due) {
            try (LogContext.Scope scope = a.logFields().open()) {
                verify(a);
            }
        }
        return due.size();
    }

    private void verify(ActionRecord a) throws StoreException {
        Optional<Expectation> expect = catalog.find(a.runbookId()).flatMap(r -> r.expectationFor(a.pattern()));
        VerificationMetric metric = expect.map(Expectation::metric).orElse(null);
        // The before value belongs to the metric named at proposal; a catalog changed since cannot pair it with another.
        boolean sameMetric = metric != null && metric.yamlName().equals(a.metric());
        OptionalDouble before = a.beforeValue() == null || !sameMetric ? OptionalDouble.empty()
                : OptionalDouble.of(a.beforeValue());
        OptionalDouble after = OptionalDouble.empty();
        String problem = null;
        TriageOutcome outcome;
        try {
            outcome = triage.triage(new HostName(a.host()));
        } catch (RuntimeException e) {
            LOG.error("{}: re-triage of {} for verification failed", a.incident(), a.host(), e);
            outcome = null;
            problem = "re-triage failed: " + e;
        }
        if (outcome instanceof TriageOutcome.Reported r && metric != null) {
            after = MetricReadings.read(metric, r.report(), r.snapshot());
        } else if (outcome instanceof TriageOutcome.Failed f) {
            problem = "cannot re-triage " + a.host() + ": " + f.message();
        }
        if (metric == null && problem == null) {
            problem = "the runbook declares no expected metric; the read-back after the change is the only check";
        }
        Verification v = new Verification(metric, expect.map(Expectation::direction).orElse(null), before, after,
                problem);
        Verification.Outcome result = v.outcome();
        ActionRecord updated = actions.recordVerification(a.id(), after.orElse(Double.NaN),
                result == Verification.Outcome.IMPROVED, result.word());
        ActionCard card = approvals.card(updated);
        incidents.append(a.incident(), result == Verification.Outcome.IMPROVED ? EventType.ACTION_VERIFIED
                : EventType.ACTION_NOT_IMPROVED, "triagebot", clock.instant(), summary(a, v), null,
                List.of(presenter.verification(card, v), presenter.cardUpdate(card)));
        observer.on(result == Verification.Outcome.IMPROVED ? "verified" : "not_improved");
    }

    /** One line for the timeline, and for recall ("resolved by vm-swappiness value=10: ... improved"). */
    static String summary(ActionRecord a, Verification v) {
        StringBuilder s = new StringBuilder(a.runbookId());
        a.parameters().forEach((k, val) -> s.append(' ').append(k).append('=').append(val));
        if (v.metric() != null) {
            s.append(": ").append(v.metric().yamlName()).append(' ').append(v.change());
        }
        return s.append(", ").append(v.outcome().word()).toString();
    }
}
