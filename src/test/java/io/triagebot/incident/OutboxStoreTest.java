package io.triagebot.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The outbox's claims and failures, on H2 and, when it answers, PostgreSQL. */
class OutboxStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-25T01:00:00Z");

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void onlyTheClaimsOwnerMarksAMessageAndAnExpiredClaimCannotBeRenewed(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            Incident i = store.open("C1", "U1", "db-3", T0, "triage requested", anchor("anchor"));
            OutboxItem byA = store.claimDue("a", T0, Duration.ofSeconds(30), 10).get(0);
            assertTrue(store.renewClaim(byA, T0.plusSeconds(10), T0.plusSeconds(40), true), "A renews in time");
            assertTrue(store.claimDue("b", T0.plusSeconds(39), Duration.ofSeconds(30), 10).isEmpty(), "renewed");
            OutboxItem byB = store.claimDue("b", T0.plusSeconds(41), Duration.ofSeconds(30), 10).get(0);
            assertTrue(byB.inDoubt(), "A may have posted it: B must look before posting");
            assertEquals(byA.deliveryKey(), byB.deliveryKey(), "the same key for every attempt");
            assertFalse(store.renewClaim(byA, T0.plusSeconds(42), T0.plusSeconds(72), true), "A's claim is gone");
            assertFalse(store.markSent(byA, "1764032400.000111", T0.plusSeconds(43)), "A cannot mark it");
            assertFalse(store.markRetry(byA, "late", T0.plusSeconds(60), false), "nor put it back");
            assertTrue(store.markSent(byB, "1764032400.000222", T0.plusSeconds(44)));
            assertEquals("1764032400.000222", store.find(i.id()).orElseThrow().anchorTs());
            assertFalse(store.markSent(byB, "1764032400.000333", T0.plusSeconds(45)), "sent once");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFailedMessageIsRecordedAndNeverHoldsBackTheNext(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            Incident i = store.open("C1", "U1", "db-3", T0, "triage requested", anchor("anchor"));
            store.append(i.id(), EventType.NOTE, "U1", T0, "two notes", null,
                    List.of(message(OutboxKind.REPLY, "refused"), message(OutboxKind.REPLY, "next")));
            store.markSent(store.claimDue("me", T0, Duration.ofSeconds(30), 10).get(0), "1764032400.000100", T0);
            OutboxItem refused = store.claimDue("me", T0, Duration.ofSeconds(30), 10).get(0);
            assertTrue(store.markFailed(refused, "invalid_blocks", T0.plusSeconds(1), "not delivered: invalid_blocks",
                    List.of(message(OutboxKind.REPLY, "notice"))));
            List<OutboxItem> next = store.claimDue("me", T0.plusSeconds(2), Duration.ofSeconds(30), 10);
            assertEquals(1, next.size());
            assertTrue(next.get(0).body().contains("next"), "the next message is due at once");
            assertEquals(1, store.countByStatus(i.id(), "FAILED"));
            assertEquals(2, store.countByStatus(i.id(), "PENDING"), "the next one and the notice");
            assertEquals(1, store.events(i.id(), EventType.DELIVERY_FAILED).size());
            assertEquals(Duration.ofSeconds(100), store.oldestPendingAge(T0.plusSeconds(100)));
        }
    }

    private static java.util.function.Function<Incident, OutgoingMessage> anchor(String text) {
        return incident -> message(OutboxKind.ANCHOR, incident.id() + " " + text);
    }

    private static OutgoingMessage message(OutboxKind kind, String text) {
        return new OutgoingMessage(kind, "{\"text\":\"" + text + "\"}");
    }
}
