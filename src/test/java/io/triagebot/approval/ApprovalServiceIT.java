package io.triagebot.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.analysis.Vitals;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

/**
 * Approve-to-run on this machine (target "local"), on H2 and PostgreSQL: vm.swappiness really changes
 * once and is really restored. Root only; the original value is always put back.
 */
class ApprovalServiceIT {

    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void secondPersonApprovesItRunsOnceAndRollsBack(String kind) throws Exception {
        assumeRoot();
        String original = sysctl();
        String target = original.equals("13") ? "14" : "13";
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:30:00Z"));
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore incidents = new IncidentStore(db);
            ApprovalService service = service(db, incidents, clock);
            Incident incident = incidents.open("C1", "U1", "local", clock.instant(), "requested",
                    i -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
            List<ActionRecord> proposed = service.propose(incident, report(Map.of("value", target)), null);
            assertEquals(1, proposed.size());
            String token = proposed.get(0).token();

            assertInstanceOf(ApprovalDecision.Refused.class, service.approve(token, "U1"), "no self-approval");
            assertEquals(original, sysctl(), "a refused click changes nothing");

            ExecutorService pool = Executors.newFixedThreadPool(20);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApprovalDecision>> clicks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String approver = "U" + (2 + i % 3);
                clicks.add(pool.submit(() -> {
                    go.await();
                    return service.approve(token, approver);
                }));
            }
            go.countDown();
            int executed = 0;
            ApprovalDecision.Executed winner = null;
            for (Future<ApprovalDecision> c : clicks) {
                ApprovalDecision d = c.get();
                if (d instanceof ApprovalDecision.Executed e) {
                    executed++;
                    winner = e;
                } else {
                    assertInstanceOf(ApprovalDecision.AlreadyDecided.class, d);
                }
            }
            pool.shutdown();
            assertEquals(1, executed, "twenty clicks, one execution");
            assertTrue(winner.execution().succeeded(), winner.execution().output());
            assertEquals(target, sysctl());
            assertEquals(original, winner.action().previousValue().strip());
            assertEquals(1, events(incidents, incident, EventType.ACTION_EXECUTED));
            assertEquals(1, events(incidents, incident, EventType.ACTION_REFUSED));

            ActionRecord rollback = service.proposeRollback(token, "U1").orElseThrow();
            assertTrue(service.proposeRollback(token, "U1").isEmpty(), "a duplicate click proposes nothing more");
            assertInstanceOf(ApprovalDecision.Refused.class, service.approve(rollback.token(), "U1"),
                    "a rollback is approval-gated too");
            assertInstanceOf(ApprovalDecision.Executed.class, service.approve(rollback.token(), "U3"));
            assertEquals(original, sysctl(), "rollback restores the captured value");
            assertEquals(ActionState.ROLLED_BACK, new ActionStore(db).findByToken(token).orElseThrow().state());
            assertEquals(1, events(incidents, incident, EventType.ACTION_ROLLED_BACK));
        } finally {
            Files.writeString(SWAPPINESS, original + "\n");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void unapprovedActionsExpireAndHostileValuesAreNeverOffered(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T02:30:00Z"));
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore incidents = new IncidentStore(db);
            ApprovalService service = service(db, incidents, clock);
            Incident incident = incidents.open("C1", "U1", "local", clock.instant(), "requested",
                    i -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
            assertTrue(service.propose(incident, report(Map.of("value", "10; reboot")), null).isEmpty());
            assertTrue(service.propose(incident, report(Map.of("value", "$(reboot)")), null).isEmpty());
            String token = service.propose(incident, report(Map.of("value", "10")), null).get(0).token();
            clock.advance(Duration.ofMinutes(16));
            assertEquals(1, service.expireDue().size());
            assertInstanceOf(ApprovalDecision.AlreadyDecided.class, service.approve(token, "U2"), "expired");
            assertEquals(1, events(incidents, incident, EventType.ACTION_EXPIRED));
            assertInstanceOf(ApprovalDecision.Unknown.class, service.approve("0".repeat(32), "U2"));
        }
    }

    private static ApprovalService service(Database db, IncidentStore incidents, Clock clock) throws Exception {
        return new ApprovalService(new ActionStore(db), incidents, RunbookCatalogLoader.loadBuiltIn(),
                new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()), new ActionExecutor(Duration.ofSeconds(10)),
                host -> new LocalScriptRunner(), new io.triagebot.slack.SlackActionPresenter(),
                ApprovalService.Observer.NONE, clock, Duration.ofMinutes(15));
    }

    private static Report report(Map<String, String> params) {
        Finding f = new Finding("swap-death-spiral", Severity.CRITICAL, Status.CONFIRMED, "swap storm", "swap-in 4,200 pages/s",
                List.of("pswpin 4,200 pages/s [/proc/vmstat]"), List.of("vmstat 1 5"),
                List.of(new RunbookSuggestion("vm-swappiness", params, "prefer dropping cache over swapping")), "fix",
                null, 3);
        Vitals v = new Vitals(2, 1, 1, 1, 1, 1, 0, 0, 98, 2, 0, 0, 1000, 500, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 100);
        return new Report("local", Severity.CRITICAL, "swap", List.of(), v, List.of(f), List.of(), List.of(), List.of(),
                "vm", "6", Instant.EPOCH, 1, 1, 1);
    }

    private static long events(IncidentStore incidents, Incident incident, EventType type) throws Exception {
        return incidents.timeline(incident.id()).stream().map(TimelineEvent::type).filter(type::equals).count();
    }

    private static void assumeRoot() {
        io.triagebot.testsupport.LiveTests.requireOrSkip(io.triagebot.testsupport.LiveTests.isRoot(),
                "changes vm.swappiness: needs root");
    }

    /** One read from offset 0: sysctl files answer EOF to reads at any other offset. */
    private static String sysctl() throws java.io.IOException {
        try (var in = Files.newInputStream(SWAPPINESS)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        }
    }

    /** A clock tests can move. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
