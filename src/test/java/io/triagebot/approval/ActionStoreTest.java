package io.triagebot.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The approval state machine, on H2 and (when it answers) PostgreSQL. */
class ActionStoreTest {

    static final Instant T0 = Instant.parse("2026-11-25T02:00:00Z");

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void twentySimultaneousApprovalsRunItOnce(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            assertEquals(1, simultaneousClicks(actions, a, 20), "one of twenty clicks claims it");
            assertEquals(ActionState.EXECUTING, actions.find(a.id()).orElseThrow().state());
            assertFalse(actions.reject(a.id(), "U9", T0.plusSeconds(6)), "too late to reject");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void twoApprovalRunbooksNeedTwoDistinctPeople(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 2);
            assertEquals(ActionStore.Approval.RECORDED, actions.approve(a.id(), "U2", T0.plusSeconds(1)));
            assertEquals(ActionStore.Approval.DUPLICATE, actions.approve(a.id(), "U2", T0.plusSeconds(2)),
                    "the same person twice is one approval");
            assertEquals(ActionState.PROPOSED, actions.find(a.id()).orElseThrow().state());
            assertEquals(ActionStore.Approval.CLAIMED, actions.approve(a.id(), "U3", T0.plusSeconds(3)));
            assertEquals(List.of("U2", "U3"), actions.approvers(a.id()));
            assertEquals(ActionStore.Approval.CLOSED, actions.approve(a.id(), "U4", T0.plusSeconds(4)));

            ActionRecord b = propose(db, actions, 2);
            assertEquals(1, simultaneousClicks(actions, b, 20), "three people clicking twenty times: one claim");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void oneRollbackProposalAtATime(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            assertFalse(actions.claimRollback(a.id(), T0, Duration.ofMinutes(15)), "nothing applied yet");
            actions.approve(a.id(), "U2", T0.plusSeconds(1));
            actions.recordExecution(a.id(), "60", 0, "", T0.plusSeconds(2), T0.plusSeconds(60));
            assertTrue(actions.claimRollback(a.id(), T0.plusSeconds(3), Duration.ofMinutes(15)));
            assertFalse(actions.claimRollback(a.id(), T0.plusSeconds(4), Duration.ofMinutes(15)), "a duplicate click");
            assertTrue(actions.claimRollback(a.id(), T0.plusSeconds(3 + 15 * 60 + 1), Duration.ofMinutes(15)),
                    "the first proposal has expired");
            actions.releaseRollback(a.id());
            assertTrue(actions.claimRollback(a.id(), T0.plusSeconds(3 + 15 * 60 + 2), Duration.ofMinutes(15)),
                    "released after a rejection");
        }
    }

    /** Twenty clicks by three people at once; returns how many claimed the action. */
    private static int simultaneousClicks(ActionStore actions, ActionRecord a, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ActionStore.Approval>> clicks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String approver = "U" + (i % 3 + 2);
            clicks.add(pool.submit(() -> {
                go.await();
                return actions.approve(a.id(), approver, T0.plusSeconds(5));
            }));
        }
        go.countDown();
        int winners = 0;
        for (Future<ActionStore.Approval> c : clicks) {
            winners += c.get() == ActionStore.Approval.CLAIMED ? 1 : 0;
        }
        pool.shutdown();
        return winners;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void expiredProposalsCannotBeApproved(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            assertEquals(ActionStore.Approval.CLOSED, actions.approve(a.id(), "U2", T0.plusSeconds(15 * 60 + 1)),
                    "past its expiry");
            assertTrue(actions.approvers(a.id()).isEmpty(), "a late click records nothing");
            List<ActionRecord> expired = actions.expire(T0.plusSeconds(15 * 60 + 1));
            assertEquals(List.of(a.id()), expired.stream().map(ActionRecord::id).toList());
            assertTrue(actions.expire(T0.plusSeconds(20 * 60)).isEmpty(), "expires once");
            assertEquals(ActionState.EXPIRED, actions.find(a.id()).orElseThrow().state());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void executionThenVerificationIsClaimedOnce(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            assertEquals(4200.0, a.beforeValue());
            assertEquals(ActionStore.Approval.CLAIMED, actions.approve(a.id(), "U2", T0.plusSeconds(1)));
            ActionRecord done = actions.recordExecution(a.id(), "60", 0, "vm.swappiness = 10", T0.plusSeconds(2),
                    T0.plusSeconds(62));
            assertEquals(ActionState.EXECUTED, done.state());
            assertEquals("60", done.previousValue());
            assertTrue(actions.claimDueVerifications(T0.plusSeconds(30)).isEmpty(), "not settled yet");
            assertEquals(1, actions.claimDueVerifications(T0.plusSeconds(63)).size());
            assertTrue(actions.claimDueVerifications(T0.plusSeconds(64)).isEmpty(), "verified once");
            ActionRecord verified = actions.recordVerification(a.id(), 12, true, "improved");
            assertEquals(ActionState.VERIFIED, verified.state());
            assertEquals(12.0, verified.afterValue());
            assertTrue(actions.markRolledBack(a.id()));
            assertFalse(actions.markRolledBack(a.id()), "rolled back once");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void tokensAreOpaqueAndOnlyWellFormedOnesAreLookedUp(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            assertTrue(a.token().matches("[0-9a-f]{32}"));
            assertEquals(a.id(), actions.findByToken(a.token()).orElseThrow().id());
            assertTrue(actions.findByToken("1' OR '1'='1").isEmpty());
            assertTrue(actions.findByToken(String.valueOf(a.id())).isEmpty(), "an id is not a token");
        }
    }

    @org.junit.jupiter.api.Test
    void policyRefusesSelfApprovalAndNonApprovers() {
        ActionRecord a = new ActionRecord(1, "t", null, "p", "vm-swappiness", "db-3", Map.of(), null,
                ActionState.PROPOSED, "U1", T0, T0, null, null, null, null, null, null, null, null, null, null, 1, null);
        ApprovalPolicy anyone = new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of());
        assertTrue(anyone.refusal("U1", a).contains("someone else"));
        assertNull(anyone.refusal("U2", a));
        ApprovalPolicy listed = new ApprovalPolicy(Set.of("U3"), Set.of("S1"), false, g -> Set.of("U4"));
        assertNull(listed.refusal("U3", a));
        assertNull(listed.refusal("U4", a), "member of an approver group");
        assertTrue(listed.refusal("U2", a).contains("not an approver"));
        assertNull(new ApprovalPolicy(Set.of("U1"), Set.of(), true, g -> Set.of()).refusal("U1", a),
                "self-approval when the config allows it");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void onlyActionsOfGoneProcessesBecomeUnknown(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord live = propose(db, actions, 1);
            ActionRecord stale = propose(db, actions, 1);
            ActionRecord restarted = propose(db, actions, 1);
            assertEquals(ActionStore.Approval.CLAIMED, actions.approve(live.id(), "U2", T0.plusSeconds(1), "pod-b-1"));
            assertEquals(ActionStore.Approval.CLAIMED, actions.approve(stale.id(), "U2", T0.plusSeconds(1), "pod-c-1"));
            assertEquals(ActionStore.Approval.CLAIMED, actions.approve(restarted.id(), "U2", T0.plusSeconds(1),
                    "pod-a-1"));
            assertTrue(actions.recordCapture(restarted.id(), "pod-a-1", "60\n", T0.plusSeconds(2)));
            assertFalse(actions.recordCapture(restarted.id(), "pod-b-1", "60\n", T0.plusSeconds(2)),
                    "only the owner stores the capture");
            actions.heartbeat(live.id(), "pod-b-1", T0.plusSeconds(60));
            actions.heartbeat(stale.id(), "pod-b-1", T0.plusSeconds(60)); // not its owner: no renewal

            List<ActionRecord> moved = actions.markInterrupted("pod-a-1"::equals, T0.plusSeconds(60 - 30));
            assertEquals(Set.of(stale.id(), restarted.id()), Set.copyOf(moved.stream().map(ActionRecord::id).toList()),
                    "the lapsed lease and the previous run of this process; never the live replica's");
            assertEquals(ActionState.EXECUTING, actions.find(live.id()).orElseThrow().state());
            ActionRecord unknown = actions.find(restarted.id()).orElseThrow();
            assertEquals(ActionState.UNKNOWN, unknown.state());
            assertEquals("60", unknown.previousValue().strip(), "the value stored before the command");
            assertEquals("command", unknown.step());
            assertTrue(unknown.undoable());
            assertFalse(actions.find(stale.id()).orElseThrow().undoable(), "nothing captured, nothing to restore");
            assertTrue(actions.markInterrupted(o -> false, T0.plusSeconds(60 - 30)).isEmpty(), "each once");

            // The owner's late result does not overwrite UNKNOWN.
            actions.recordExecution(restarted.id(), ActionState.EXECUTED, "read-back", null, 0, "ok",
                    T0.plusSeconds(61), T0.plusSeconds(90));
            assertEquals(ActionState.UNKNOWN, actions.find(restarted.id()).orElseThrow().state());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aClaimedVerificationSurvivesItsClaimer(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            ActionStore actions = new ActionStore(db);
            ActionRecord a = propose(db, actions, 1);
            actions.approve(a.id(), "U2", T0.plusSeconds(1));
            actions.recordExecution(a.id(), "60", 0, "", T0.plusSeconds(2), T0.plusSeconds(32));
            assertEquals(1, actions.claimDueVerifications(T0.plusSeconds(40)).size());
            assertEquals(0, actions.claimDueVerifications(T0.plusSeconds(41)).size(), "claimed once");
            // The claimer died without recording a verdict: after the lease it is due again.
            assertEquals(1, actions.claimDueVerifications(T0.plusSeconds(40).plus(ActionStore.VERIFY_LEASE)
                    .plusSeconds(1)).size());
        }
    }

    @org.junit.jupiter.api.Test
    void neitherTheRequesterNorWhoAskedForARollbackApprovesIt() {
        ActionRecord rollback = new ActionRecord(2, "t", null, "p", "vm-swappiness", "db-3", Map.of(), 1L,
                ActionState.PROPOSED, "U1", T0, T0, null, null, null, null, null, null, null, null, null, null, 2, null,
                "U4", null, null, Map.of(), null);
        ApprovalPolicy anyone = new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of());
        assertTrue(anyone.refusal("U1", rollback).contains("someone else"));
        assertTrue(anyone.refusal("U4", rollback).contains("asked for this rollback"));
        assertNull(anyone.refusal("U2", rollback));
    }

    private static ActionRecord propose(Database db, ActionStore actions, int approvals) throws Exception {
        Incident i = new IncidentStore(db).open("C1", "U1", "db-3", T0, "requested",
                inc -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
        return actions.propose(new ActionStore.Proposal(i.id(), "swap-death-spiral", "vm-swappiness", "db-3",
                Map.of("value", "10"), null, "U1", approvals, "swapOutPagesPerSecond", 4200), T0,
                T0.plusSeconds(15 * 60));
    }
}
