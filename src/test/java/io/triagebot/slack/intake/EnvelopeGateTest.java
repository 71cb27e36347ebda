package io.triagebot.slack.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Socket Mode messages: bounded, and an envelope acted on once across every gate sharing a database. */
class EnvelopeGateTest {

    static Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anEnvelopeRedeliveredToAnyReplicaIsAcknowledgedAndNotActedOnAgain(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            List<String> acked = new ArrayList<>();
            EnvelopeGate a = new EnvelopeGate(new ReplayLedger(db, Clock.systemUTC()), Clock.systemUTC(), 1024, acked::add);
            EnvelopeGate b = new EnvelopeGate(new ReplayLedger(db, Clock.systemUTC()), Clock.systemUTC(), 1024, acked::add);
            String envelope = envelope("env-1", "retry_attempt", "0");
            a.add(envelope);
            a.add(envelope("env-1", "retry_attempt", "1"));
            b.add(envelope("env-1", "retry_attempt", "2"));
            b.add(envelope("env-2", "retry_attempt", "0"));
            assertEquals(envelope, a.poll(), "the first delivery goes on to Bolt");
            assertNull(a.poll(), "its redelivery to the same replica does not");
            assertEquals(envelope("env-2", "retry_attempt", "0"), b.poll(), "another envelope does");
            assertNull(b.poll(), "the redelivery to the other replica does not");
            assertEquals(List.of("env-1", "env-1"), acked, "each redelivery acknowledged, so Slack stops sending it");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void messagesOverTheLimitAreDroppedAndOthersPass(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            List<String> acked = new ArrayList<>();
            EnvelopeGate gate = new EnvelopeGate(new ReplayLedger(db, Clock.systemUTC()), Clock.systemUTC(), 200,
                    acked::add);
            gate.add(envelope("big-1", "text", "x".repeat(200)));
            String hello = "{\"type\":\"hello\",\"num_connections\":1}";
            gate.add(hello);
            gate.add("not json at all");
            assertEquals(hello, gate.poll(), "Slack's hello carries no envelope and passes");
            assertEquals("not json at all", gate.poll(), "left for the client to ignore, as it does");
            assertNull(gate.poll(), "the oversized envelope never queued");
            assertEquals(List.of(), acked);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theQueueIsBounded(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            EnvelopeGate gate = new EnvelopeGate(new ReplayLedger(db, Clock.systemUTC()), Clock.systemUTC(), 1024,
                    id -> { });
            for (int i = 0; i < EnvelopeGate.QUEUE + 10; i++) {
                gate.add(envelope("q-" + i, "n", Integer.toString(i)));
            }
            int queued = 0;
            while (gate.poll() != null) {
                queued++;
            }
            assertEquals(EnvelopeGate.QUEUE, queued);
        }
    }

    private static String envelope(String id, String field, String value) {
        return "{\"envelope_id\":\"" + id + "\",\"type\":\"slash_commands\",\"accepts_response_payload\":true,\""
                + field + "\":\"" + value + "\",\"payload\":{\"command\":\"/triage\",\"text\":\"help\"}}";
    }
}
