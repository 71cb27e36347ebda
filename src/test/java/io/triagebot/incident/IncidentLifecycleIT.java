package io.triagebot.incident;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.store.Database;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Incidents end to end, on H2 and (when it answers) PostgreSQL: the real bot over HTTP, triage over SSH,
 * Slack faked. Each test gets a fresh database.
 */
class IncidentLifecycleIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String USER = "U0ONCALL";
    static final String OTHER = "U0SECOND";

    @TempDir
    static Path dir;

    static TestSshd sshd;
    static Path sshConfig;
    static FakeSlackApi slack;

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @BeforeAll
    static void start() throws Exception {
        TestSshd.assumeAvailable();
        sshd = TestSshd.start();
        sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
        slack = new FakeSlackApi();
    }

    @AfterAll
    static void stop() {
        if (slack != null) {
            slack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void noteTimelineResolveAndRecall(String kind) throws Exception {
        slack.reset();
        try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
                BotHarness bot = BotHarness.start(sshConfig, slack, db.settings(), Files.createTempDirectory(dir, kind))) {
            String first = triage(bot, "db-3");
            await(() -> slack.calls("chat.update").size() >= 1, 30, "first triage summary");

            ack(bot, "note " + first + " swap storm on the primary, <!channel> paged");
            ack(bot, "timeline " + first);
            // The content is uploaded before the upload is completed: wait for the last step.
            await(() -> !slack.calls("files.completeUploadExternal").isEmpty(), 20, "timeline upload");
            String postmortem = slack.uploads().get(0);
            assertTrue(postmortem.contains("# " + first + ": db-3"), postmortem);
            assertTrue(postmortem.contains("## Timeline (UTC)"), postmortem);
            assertTrue(postmortem.contains("| triage requested |") && postmortem.contains("| findings |")
                    && postmortem.contains("| note |"), postmortem);
            assertTrue(postmortem.matches("(?s).*\\| 20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\|.*"), "UTC times");
            Map<String, String> complete = slack.calls("files.completeUploadExternal").get(0);
            assertEquals(slack.anchorTs().get(0), complete.get("thread_ts"), "uploaded into the incident's thread");

            String resolved = ack(bot, "resolve " + first + " lowered vm.swappiness to 10");
            assertTrue(resolved.contains("resolved"), resolved);
            await(() -> slack.calls("chat.update").stream().anyMatch(u -> u.get("text").contains("resolved")), 20,
                    "anchor shows resolved");
            String again = ack(bot, "resolve " + first);
            assertTrue(again.contains("already resolved"), again);

            // The note's mention is escaped: nobody gets paged by a note.
            String noteBlocks = slack.calls("chat.postMessage").stream().map(m -> m.get("blocks"))
                    .filter(b -> b.contains("swap storm on the primary")).findFirst().orElseThrow();
            assertTrue(noteBlocks.contains("\\u0026lt;!channel\\u0026gt;") || noteBlocks.contains("&lt;!channel&gt;"),
                    noteBlocks);

            // Same host again: the thread recalls the first incident and how it was resolved.
            int before = slack.calls("chat.postMessage").size();
            String second = triage(bot, "db-3");
            await(() -> slack.calls("chat.postMessage").stream().skip(before)
                    .anyMatch(m -> m.get("text").contains("Seen before")), 30, "recall in the second thread");
            String recall = slack.calls("chat.postMessage").stream().skip(before).map(m -> m.get("text"))
                    .filter(t -> t.contains("Seen before")).findFirst().orElseThrow();
            assertTrue(recall.contains(first) && recall.contains("lowered vm.swappiness to 10"), recall);
            assertTrue(!second.equals(first));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anchorButtonsExportTheTimelineAndResolve(String kind) throws Exception {
        slack.reset();
        try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
                BotHarness bot = BotHarness.start(sshConfig, slack, db.settings(), Files.createTempDirectory(dir, kind))) {
            String id = triage(bot, "db-3");
            await(() -> slack.calls("chat.update").size() >= 1, 30, "triage summary");
            var click = bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, OTHER, "incident_timeline", id));
            assertEquals(200, click.statusCode(), click.body());
            await(() -> !slack.uploads().isEmpty(), 20, "timeline uploaded from the button");
            assertTrue(slack.uploads().get(0).contains("# " + id));
            bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, OTHER, "incident_resolve", id));
            IncidentStore store = new IncidentStore(bot.database());
            await(() -> {
                try {
                    return store.find(IncidentId.parse(id).orElseThrow()).orElseThrow().status() == IncidentStatus.RESOLVED;
                } catch (io.triagebot.store.StoreException e) {
                    return false;
                }
            }, 20, "resolved from the button");
            assertEquals(OTHER, store.find(IncidentId.parse(id).orElseThrow()).orElseThrow().resolvedBy());
            assertTrue(slack.calls("chat.postEphemeral").stream().anyMatch(m -> OTHER.equals(m.get("user"))),
                    "the clicker is answered privately");
            // A forged value is only ever looked up, never executed or trusted.
            var forged = bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, OTHER, "incident_resolve",
                    "INC-999999"));
            assertEquals(200, forged.statusCode());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void slackOutageThenRecoveryDeliversEveryEventOnceInOrder(String kind) throws Exception {
        slack.reset();
        try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
                BotHarness bot = BotHarness.start(sshConfig, slack, db.settings(), Files.createTempDirectory(dir, kind))) {
            slack.failAll("chat.postMessage", 503);
            slack.failAll("chat.update", 503);
            String id = triage(bot, "db-3");
            // The triage completes and is stored while Slack is down.
            IncidentStore store = new IncidentStore(bot.database());
            IncidentId incident = IncidentId.parse(id).orElseThrow();
            await(() -> timeline(store, incident).stream().anyMatch(e -> e.type() == EventType.FINDINGS), 30,
                    "findings stored during the outage");
            ack(bot, "note " + id + " written during the outage");
            Thread.sleep(1500);
            assertEquals(0, slack.delivered("chat.postMessage"), "Slack is down: nothing delivered yet");

            slack.reset();
            await(() -> slack.calls("chat.update").size() >= 1 && slack.deliveredInOrder().stream()
                    .anyMatch(m -> m.contains("written during the outage")), 60, "delivery after recovery");
            List<String> delivered = slack.deliveredInOrder();
            assertEquals(delivered.size(), new java.util.HashSet<>(delivered).size(), "no duplicates: " + delivered);
            assertTrue(delivered.get(0).startsWith("chat.postMessage " + id), "the anchor first: " + delivered);
            int summary = indexOf(delivered, "chat.postMessage reply ");
            int update = indexOf(delivered, "chat.update ");
            int note = indexOf(delivered, "written during the outage");
            assertTrue(summary > 0 && summary < update && update < note, "in the order they happened: " + delivered);
            // Action cards the findings may have proposed follow the note; all of it goes out.
            await(() -> pending(store) == 0, 30, "nothing left in the outbox");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void restartMidIncidentLosesNothing(String kind) throws Exception {
        slack.reset();
        try (TestDatabases.TestDatabase db = TestDatabases.create(kind)) {
            Path data = Files.createTempDirectory(dir, kind);
            String id;
            try (BotHarness bot = BotHarness.start(sshConfig, slack, db.settings(), data)) {
                slack.failAll("chat.postMessage", 503);
                slack.failAll("chat.update", 503);
                id = triage(bot, "db-3");
                IncidentStore store = new IncidentStore(bot.database());
                IncidentId incident = IncidentId.parse(id).orElseThrow();
                await(() -> timeline(store, incident).stream().anyMatch(e -> e.type() == EventType.FINDINGS), 30,
                        "findings stored before the stop");
            }
            // A triage cut short by a stop (opened long ago, never finished) must be called out after restart.
            IncidentId stale;
            try (Database database = Database.open(db.settings())) {
                IncidentStore store = new IncidentStore(database);
                stale = store.open(CHANNEL, USER, "db-9", Instant.now().minusSeconds(600), "requested",
                        i -> new OutgoingMessage(OutboxKind.ANCHOR,
                                "{\"text\":\"stale\",\"blocks\":[]}")).id();
            }
            slack.reset();
            try (BotHarness bot = BotHarness.start(sshConfig, slack, db.settings(), data)) {
                IncidentStore store = new IncidentStore(bot.database());
                IncidentId incident = IncidentId.parse(id).orElseThrow();
                await(() -> pending(store) == 0, 60, "everything delivered after the restart");
                List<String> delivered = slack.deliveredInOrder();
                assertEquals(delivered.size(), new java.util.HashSet<>(delivered).size(), "no duplicates: " + delivered);
                assertTrue(delivered.stream().anyMatch(m -> m.startsWith("chat.postMessage " + id)), delivered.toString());
                assertTrue(delivered.stream().anyMatch(m -> m.startsWith("chat.update " + id)), delivered.toString());
                assertTrue(timeline(store, stale).stream().anyMatch(e -> e.type() == EventType.TRIAGE_INTERRUPTED),
                        "the interrupted triage is recorded");
                assertTrue(delivered.stream().anyMatch(m -> m.contains("interrupted by a bot restart")), delivered.toString());
                assertEquals(List.of(EventType.TRIAGE_REQUESTED, EventType.SNAPSHOT_COLLECTED, EventType.FINDINGS),
                        timeline(store, incident).stream().map(TimelineEvent::type).limit(3).toList());
            }
        }
    }

    private static String triage(BotHarness bot, String host) throws Exception {
        String answer = ack(bot, host);
        Matcher m = Pattern.compile("INC-\\d+").matcher(answer);
        assertTrue(m.find(), answer);
        return m.group();
    }

    private static String ack(BotHarness bot, String text) throws Exception {
        var response = bot.requests().send(SignedSlackRequests.slashCommand(CHANNEL, USER, text));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static List<TimelineEvent> timeline(IncidentStore store, IncidentId id) {
        try {
            return store.timeline(id);
        } catch (io.triagebot.store.StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pending(IncidentStore store) {
        try {
            return store.pendingCount();
        } catch (io.triagebot.store.StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(List<String> list, String prefixOrPart) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).startsWith(prefixOrPart) || list.get(i).contains(prefixOrPart)) {
                return i;
            }
        }
        return -1;
    }

}
