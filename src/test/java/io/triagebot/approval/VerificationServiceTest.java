package io.triagebot.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.slack.SlackActionPresenter;
import io.triagebot.store.Database;
import io.triagebot.testsupport.RecordedCondition;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.triage.Triage;
import io.triagebot.triage.TriageOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Verification after the settle time, without touching a host: the proposal comes from a swap storm the
 * lab recorded on this machine, and the re-triage is either that same recording (nothing got better) or
 * a host that cannot be reached (nothing could be measured).
 */
class VerificationServiceTest {

    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    @Test
    void theSameStormAfterTheSettleTimeIsNoImprovement() throws Exception {
        RecordedCondition storm = new RecordedCondition("swap-storm", "db-3", h -> null, Integer.MAX_VALUE);
        Outcome o = verifyWith(storm, storm);
        assertEquals(ActionState.NOT_IMPROVED, o.action().state());
        assertEquals("no improvement", o.action().verdict());
        assertEquals(o.action().beforeValue(), o.action().afterValue(), "the same recording both times");
        assertTrue(o.action().beforeValue() > 1000, "the recorded storm swapped out thousands of pages/s");
        TimelineEvent e = o.events().stream().filter(x -> x.type() == EventType.ACTION_NOT_IMPROVED).findFirst()
                .orElseThrow();
        assertTrue(e.summary().startsWith("vm-swappiness value=10: swapOutPagesPerSecond "), e.summary());
        assertTrue(e.summary().endsWith(", no improvement"), e.summary());
    }

    @Test
    void anUnreachableHostIsUnmeasuredNeverImproved() throws Exception {
        RecordedCondition storm = new RecordedCondition("swap-storm", "db-3", h -> null, Integer.MAX_VALUE);
        Triage unreachable = h -> new TriageOutcome.Failed(h.value(), TargetException.Kind.CONNECTION_REFUSED,
                h.value() + ": connection refused");
        Outcome o = verifyWith(storm, unreachable);
        assertEquals(ActionState.NOT_IMPROVED, o.action().state());
        assertEquals("unmeasured", o.action().verdict());
        assertTrue(o.events().stream().noneMatch(x -> x.type() == EventType.ACTION_VERIFIED),
                "recall only ever counts measured improvements");
    }

    @Test
    void aBeforeValueOfAnotherMetricIsNeverComparedWithTheRunbooksMetric() throws Exception {
        RecordedCondition storm = new RecordedCondition("swap-storm", "db-3", h -> null, Integer.MAX_VALUE);
        // Proposed when the runbook expected another metric (a catalog changed between proposal and verification).
        Outcome o = verifyWith(storm, storm, "memAvailableKb");
        assertEquals("unmeasured", o.action().verdict());
    }

    private record Outcome(ActionRecord action, List<TimelineEvent> events) {
    }

    private static Outcome verifyWith(RecordedCondition proposing, Triage after) throws Exception {
        return verifyWith(proposing, after, null);
    }

    /** @param proposedMetric the metric the proposal recorded, when not the runbook's own; null for a real proposal */
    private static Outcome verifyWith(RecordedCondition proposing, Triage after, String proposedMetric)
            throws Exception {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        try (TestDatabases.TestDatabase tdb = TestDatabases.create("h2"); Database db = Database.open(tdb.settings())) {
            IncidentStore incidents = new IncidentStore(db);
            ActionStore actions = new ActionStore(db);
            var catalog = RunbookCatalogLoader.loadBuiltIn();
            SlackActionPresenter presenter = new SlackActionPresenter();
            ApprovalService approvals = new ApprovalService(actions, incidents, catalog,
                    new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()), new ActionExecutor(Duration.ofSeconds(5)),
                    host -> {
                        throw new AssertionError("nothing runs on a host here");
                    }, presenter, ApprovalService.Observer.NONE, clock, Duration.ofMinutes(15));
            Incident incident = incidents.open("C1", "U1", "db-3", T0, "requested",
                    i -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
            TriageOutcome.Reported r = proposing.recorded();
            ActionRecord a = proposedMetric != null
                    ? actions.propose(new ActionStore.Proposal(incident.id(), "swap-death-spiral", "vm-swappiness", "db-3",
                            java.util.Map.of("value", "10"), null, "U1", 1, proposedMetric, 4_000_000), T0,
                            T0.plusSeconds(900))
                    : approvals.propose(incident, r.report(), r.snapshot()).stream()
                            .filter(x -> x.runbookId().equals("vm-swappiness")).findFirst().orElseThrow();
            // Approved and run at once; verified a minute later, past the runbook's 30 s settle time.
            actions.approve(a.id(), "U2", T0.plusSeconds(1));
            actions.recordExecution(a.id(), "60", 0, "vm.swappiness = 10", T0.plusSeconds(2), T0.plusSeconds(32));
            VerificationService verification = new VerificationService(actions, incidents, approvals, catalog, after,
                    presenter, ApprovalService.Observer.NONE, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
            assertEquals(1, verification.verifyDue());
            assertEquals(0, verification.verifyDue(), "verified once");
            return new Outcome(actions.find(a.id()).orElseThrow(), incidents.timeline(incident.id()));
        }
    }
}
