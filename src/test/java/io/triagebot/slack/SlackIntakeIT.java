package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.StreamedPost;
import io.triagebot.testsupport.TestSshd;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches Bolt, over real HTTP: bodies over 1 MiB refused while they stream, timestamps outside five
 * minutes in either direction refused, and a signed request replayed within the window acted on once.
 */
class SlackIntakeIT {

    static final String CHANNEL = "C0INTAKE";
    static final String USER = "U0ONCALL";
    static final long MIB = 1024 * 1024;

    @TempDir
    static Path dir;

    static TestSshd sshd;
    static FakeSlackApi slack;
    static BotHarness harness;
    static SignedSlackRequests requests;

    @BeforeAll
    static void start() throws Exception {
        TestSshd.assumeAvailable();
        sshd = TestSshd.start();
        Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
        // Two hosts the operators named that cannot be reached, each failing its own way, and a catch-all
        // block, which names no host.
        java.nio.file.Files.writeString(sshConfig, java.nio.file.Files.readString(sshConfig)
                + "\nHost closed-1\n  HostName 127.0.0.1\n  Port 1\n"
                + "\nHost ghost-1\n  HostName ghost-1.invalid\n"
                + "\nHost *\n  ConnectTimeout 2\n");
        slack = new FakeSlackApi();
        harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")), dir.resolve("data"));
        requests = harness.requests();
    }

    @AfterAll
    static void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void quiet() throws Exception {
        await(() -> pending() == 0, 30, "an earlier test's messages delivered");
        slack.reset();
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayEitherWayAreRefused() throws Exception {
        long before = incidentCount();
        long now = System.currentTimeMillis() / 1000;
        for (long offset : new long[] {3600, 6 * 60, -6 * 60}) {
            HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"),
                    now + offset, null);
            assertEquals(401, r.statusCode(), "timestamp " + offset + " s from now: " + r.body());
        }
        // The window holds both ways: four minutes ahead or behind is a clock that drifted, not a replay.
        for (long offset : new long[] {4 * 60, -4 * 60}) {
            HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "help"),
                    now + offset, null);
            assertEquals(200, r.statusCode(), "timestamp " + offset + " s from now: " + r.body());
            assertTrue(r.body().contains("Usage"), r.body());
        }
        assertEquals(0, slack.calls("chat.postMessage").size(), "nothing posted for the refused ones");
        assertEquals(before, incidentCount(), "no incident opened");
    }

    @Test
    void aSignedTriageReplayedWithinTheWindowOpensOneIncident() throws Exception {
        long before = incidentCount();
        Map<String, String> form = SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3");
        long timestamp = System.currentTimeMillis() / 1000;
        HttpResponse<String> first = requests.send(form, timestamp, null);
        assertTrue(first.body().contains("Triaging"), first.body());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> replay = requests.send(form, timestamp, null);
            assertEquals(200, replay.statusCode(), "a replay is acknowledged (Slack would show an error otherwise)");
            assertEquals("", replay.body(), "and does nothing");
        }
        await(() -> slack.calls("chat.update").size() >= 1, 30, "the triage finished");
        await(() -> pending() == 0, 30, "delivered");
        assertEquals(before + 1, incidentCount(), "four deliveries of one signed /triage, one incident");
        assertEquals(1, slack.anchorTs().size(), "one anchor");
    }

    @Test
    void aDeclaredBodyOverOneMebibyteIsRefusedBeforeItIsRead() throws Exception {
        StreamedPost.Outcome r = StreamedPost.send(harness.bot().httpPort(), SlackBot.EVENTS_PATH, Map.of(),
                64 * MIB, false, "text=declared-oversize&");
        assertEquals(413, r.status());
        assertTrue(r.bodyBytesSent() < 64 * MIB, "refused on the declared length, sent " + r.bodyBytesSent());
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesOneMebibyte() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        StreamedPost.Outcome r = StreamedPost.send(harness.bot().httpPort(), SlackBot.EVENTS_PATH,
                Map.of("X-Slack-Request-Timestamp", Long.toString(now), "X-Slack-Signature", "v0=" + "0".repeat(64)),
                64 * MIB, true, "text=chunked-oversize&");
        assertEquals(413, r.status());
        assertTrue(r.bodyBytesSent() < 64 * MIB, "refused while streaming, sent " + r.bodyBytesSent());
        // The bot goes on answering.
        HttpResponse<String> next = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "help"));
        assertEquals(200, next.statusCode());
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndJudgedOnItsSignature() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        StreamedPost.Outcome r = StreamedPost.send(harness.bot().httpPort(), SlackBot.EVENTS_PATH,
                Map.of("X-Slack-Request-Timestamp", Long.toString(now), "X-Slack-Signature", "v0=" + "0".repeat(64)),
                MIB, true, "text=at-the-limit&");
        assertEquals(401, r.status(), "1 MiB is allowed in; its forged signature is not");
    }

    @Test
    void hostsTheSshConfigDoesNotNameAreRefusedAlikeWhetherOrNotTheyExist() throws Exception {
        long before = incidentCount();
        // The loopback address and localhost exist (an sshd even listens there); the third does not.
        java.util.List<String> answers = new java.util.ArrayList<>();
        for (String host : new String[] {"127.0.0.1", "localhost", "no-such-host.invalid", "local"}) {
            HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, host));
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("Not a host this bot may triage"), r.body());
            answers.add(r.body().replace(host, "HOST"));
        }
        assertEquals(1, new java.util.HashSet<>(answers).size(), "one answer for all of them: " + answers);
        HttpResponse<String> mixed = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3 10.1.2.3"));
        assertTrue(mixed.body().contains("Triaging `db-3`") && mixed.body().contains("Not a host this bot may triage:"
                + " `10.1.2.3`"), "the named host starts, the other is refused: " + mixed.body());
        await(() -> slack.calls("chat.update").size() >= 1, 30, "db-3 triaged");
        await(() -> pending() == 0, 30, "delivered");
        assertEquals(before + 1, incidentCount(), "an incident for db-3 alone");
        assertEquals(1, slack.anchorTs().size());
    }

    @Test
    void aNamedHostThatCannotBeReachedIsToldWithAReferenceWhateverTheReason() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                FailureDisclosure.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "closed-1 ghost-1"));
            await(() -> slack.calls("chat.update").size() >= 2, 30, "both failed");
            java.util.List<String> replies = slack.calls("chat.postMessage").stream()
                    .filter(m -> m.containsKey("thread_ts")).map(m -> m.get("blocks")).toList();
            assertEquals(2, replies.size(), replies.toString());
            java.util.Set<String> shapes = new java.util.HashSet<>();
            for (String blocks : replies) {
                assertTrue(blocks.matches("(?s).*\\(ref [a-z2-9]{8};.*"), "a reference: " + blocks);
                for (String detail : new String[] {"REFUSED", "UNKNOWN HOST", "refused", "127.0.0.1", "invalid", "Port"}) {
                    assertTrue(!blocks.contains(detail), "'" + detail + "' told to the channel: " + blocks);
                }
                shapes.add(blocks.replaceAll("closed-1|ghost-1", "HOST").replaceAll("ref [a-z2-9]{8}", "ref X"));
            }
            assertEquals(1, shapes.size(), "the same answer for a refused port and an unknown name: " + shapes);
            java.util.List<String> logged = log.list.stream().map(e -> e.getFormattedMessage()).toList();
            assertTrue(logged.stream().anyMatch(l -> l.contains("CONNECTION_REFUSED") && l.contains("closed-1")), logged.toString());
            assertTrue(logged.stream().anyMatch(l -> l.contains("UNKNOWN_HOST") && l.contains("ghost-1")), logged.toString());
            for (String blocks : replies) {
                String ref = blocks.replaceAll("(?s).*\\(ref ([a-z2-9]{8});.*", "$1");
                assertTrue(logged.stream().anyMatch(l -> l.contains("[ref " + ref + "]")), "the reference leads to the log");
            }
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void headersOverEightKibibytesAreRefused() throws Exception {
        StreamedPost.Outcome r = StreamedPost.send(harness.bot().httpPort(), SlackBot.EVENTS_PATH,
                Map.of("X-Padding", "p".repeat(16 * 1024)), 10, false, "text=x&");
        assertEquals(431, r.status());
    }

    private static long pending() {
        try {
            return harness.bot().incidents().store().pendingCount();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long incidentCount() throws Exception {
        try (var c = harness.database().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM incident")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
