package io.triagebot.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same suite on H2 and, when it answers, PostgreSQL. */
class IncidentStoreTest {

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    private static final Instant T0 = Instant.parse("2026-11-25T01:00:00Z");

    @ParameterizedTest
    @MethodSource("databases")
    void eventsAndTheirMessagesAreStoredTogetherInOrder(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            Incident i = store.open("C1", "U1", "db-3", T0, "triage requested", anchor("anchor"));
            assertTrue(i.id().toString().matches("INC-\\d+"));
            store.append(i.id(), EventType.FINDINGS, TimelineEvent.BOT, T0.plusSeconds(2), "findings", "{\"x\":1}",
                    List.of(message(OutboxKind.REPLY, "summary"), message(OutboxKind.UPDATE_ANCHOR, "done")));
            store.append(i.id(), EventType.NOTE, "U2", T0.plusSeconds(3), "a note", null,
                    List.of(message(OutboxKind.REPLY, "note")));
            List<TimelineEvent> timeline = store.timeline(i.id());
            assertEquals(List.of(EventType.TRIAGE_REQUESTED, EventType.FINDINGS, EventType.NOTE),
                    timeline.stream().map(TimelineEvent::type).toList());
            assertEquals(List.of(1, 2, 3), timeline.stream().map(TimelineEvent::seq).toList());
            assertEquals(T0.plusSeconds(2), timeline.get(1).occurredAt());
            assertEquals(4, store.pendingCount());

            // Only the next message of an incident is due: the anchor must be delivered before its replies.
            List<OutboxItem> due = store.claimDue("me", T0.plusSeconds(10), Duration.ofSeconds(30), 10);
            assertEquals(1, due.size());
            assertEquals(OutboxKind.ANCHOR, due.get(0).kind());
            assertNull(due.get(0).anchorTs());
            store.markSent(due.get(0), "1764032400.000100", T0.plusSeconds(11));
            assertEquals("1764032400.000100", store.find(i.id()).orElseThrow().anchorTs());

            OutboxItem reply = store.claimDue("me", T0.plusSeconds(12), Duration.ofSeconds(30), 10).get(0);
            assertEquals(OutboxKind.REPLY, reply.kind());
            assertEquals("1764032400.000100", reply.anchorTs());
            assertTrue(reply.body().contains("summary"));
            store.markRetry(reply, "HTTP 503", T0.plusSeconds(60));
            assertTrue(store.claimDue("me", T0.plusSeconds(13), Duration.ofSeconds(30), 10).isEmpty(),
                    "nothing overtakes a message waiting for its retry");
            OutboxItem again = store.claimDue("me", T0.plusSeconds(61), Duration.ofSeconds(30), 10).get(0);
            assertEquals(reply.id(), again.id());
            assertEquals(1, again.attempts());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aClaimIsWonByExactlyOneReplica(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            for (int n = 0; n < 5; n++) {
                store.open("C1", "U1", "h" + n, T0, "requested", anchor("a" + n));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<List<OutboxItem>>> claims = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                String replica = "replica-" + r;
                claims.add(pool.submit(() -> store.claimDue(replica, T0.plusSeconds(5), Duration.ofSeconds(30), 10)));
            }
            List<Long> won = new ArrayList<>();
            for (Future<List<OutboxItem>> f : claims) {
                f.get().forEach(item -> won.add(item.id()));
            }
            pool.shutdown();
            assertEquals(5, won.size(), "every message claimed once: " + won);
            assertEquals(5, won.stream().distinct().count());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void resolveAndRecall(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            Incident past = store.open("C1", "U1", "db-3", T0, "requested", anchor("a"));
            store.recordTriage(past.id(), "CRITICAL", "swap", "swap-death-spiral", "swap-death-spiral");
            assertTrue(store.resolve(past.id(), "U2", T0.plusSeconds(600), "lowered swappiness", "resolved", List.of()));
            assertFalse(store.resolve(past.id(), "U2", T0.plusSeconds(601), "again", "resolved", List.of()),
                    "resolving twice changes nothing");
            Incident otherHost = store.open("C1", "U1", "db-9", T0.plusSeconds(700), "requested",
                    anchor("b"));
            store.recordTriage(otherHost.id(), "HIGH", "swap", "swap-death-spiral", "swap-death-spiral");
            Incident now = store.open("C1", "U1", "db-3", T0.plusSeconds(900), "requested", anchor("c"));
            List<Incident> similar = store.similar("db-3", "swap-death-spiral", now.id(), 5);
            assertEquals(List.of(otherHost.id(), past.id()), similar.stream().map(Incident::id).toList());
            assertEquals("lowered swappiness", similar.get(1).resolution());
            assertEquals(IncidentStatus.RESOLVED, similar.get(1).status());
            assertEquals(List.of(now.id()), store.awaitingTriage().stream().map(Incident::id).toList());
        }
    }

    private static java.util.function.Function<Incident, OutgoingMessage> anchor(String text) {
        return incident -> message(OutboxKind.ANCHOR, incident.id() + " " + text);
    }

    private static OutgoingMessage message(OutboxKind kind, String text) {
        return new OutgoingMessage(kind, "{\"text\":\"" + text + "\"}");
    }
}
