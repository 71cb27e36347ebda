package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.Promtool;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestSshd;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as Slack meets it: a real Bolt app over HTTP, requests signed as Slack signs them, the Web API
 * faked by WireMock, and every triage over the real SSH path to an sshd on 127.0.0.1.
 */
class SlackBotIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String USER = "U0ONCALL";

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
        Files.writeString(sshConfig, Files.readString(sshConfig)
                + "\nHost refused-1\n  HostName 127.0.0.1\n  Port 1\n  ConnectTimeout 2\n"
                + "\nHost no-such-host.invalid\n  ConnectTimeout 2\n");
        slack = new FakeSlackApi();
        // Failures told in detail, as operators who trust their channel configure it (SlackIntakeIT: the default).
        harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")), dir.resolve("data"),
                new io.triagebot.config.BotConfig.Hosts(List.of(), false, true));
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
    void healthySlack() throws Exception {
        // An earlier test's late messages (action cards after a summary) must not land in this one's fake.
        await(() -> {
            try {
                return harness.bot().incidents().store().pendingCount() == 0;
            } catch (Exception e) {
                return false;
            }
        }, 30);
        slack.reset();
    }

    @Test
    void triageAnswersWithAnAnchorAndASeverityFirstSummaryInItsThread() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> ack = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"));
        long ackMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, ack.statusCode(), ack.body());
        assertTrue(ack.body().contains("Triaging") && ack.body().contains("db-3"), ack.body());
        assertTrue(ack.body().matches("(?s).*\\(INC-\\d+\\).*"), "the ack names the incident: " + ack.body());
        assertTrue(ackMillis < 3000, "ack took " + ackMillis + " ms; Slack gives up after 3 s");

        await(() -> slack.calls("chat.update").size() >= 1, 30);
        List<Map<String, String>> posts = slack.calls("chat.postMessage");
        Map<String, String> anchor = posts.get(0);
        assertEquals(CHANNEL, anchor.get("channel"));
        assertFalse(anchor.containsKey("thread_ts"), "the anchor starts the thread");
        assertTrue(anchor.get("blocks").contains("db-3") && anchor.get("blocks").contains("collecting"), anchor.get("blocks"));
        assertTrue(anchor.get("blocks").matches("(?s).*INC-\\d+.*"), "the anchor carries the incident id");
        assertTrue(decoded(anchor.get("blocks")).contains("<@" + USER + ">"), "says who asked");

        String anchorTs = slack.anchorTs().get(0);
        Map<String, String> summary = posts.get(1);
        assertEquals(anchorTs, summary.get("thread_ts"), "the summary is a reply in the anchor's thread");
        String blocks = summary.get("blocks");
        int header = blocks.indexOf("\"type\":\"header\"");
        assertTrue(header >= 0 && header < 20, "severity header is the first block: " + blocks);
        assertTrue(blocks.matches("(?s).*(LOW|MEDIUM|HIGH|CRITICAL) · db-3.*"), blocks);
        assertTrue(blocks.indexOf("Vitals") > blocks.indexOf("db-3"), "vitals after the severity");

        Map<String, String> update = slack.calls("chat.update").get(0);
        assertEquals(anchorTs, update.get("ts"));
        assertTrue(update.get("text").matches("INC-\\d+ (LOW|MEDIUM|HIGH|CRITICAL) db-3: .+"), update.get("text"));
        assertTrue(update.get("blocks").contains("incident_timeline") && update.get("blocks").contains("incident_resolve"),
                "the anchor offers timeline and resolve buttons");
    }

    @Test
    void healthReadinessAndMetricsAnswerOnTheOpsPortOnly() throws Exception {
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"));
        await(() -> slack.calls("chat.update").size() >= 1, 30);
        String ops = "http://127.0.0.1:" + harness.bot().opsPort();
        assertEquals(200, get(ops + "/healthz").statusCode());
        HttpResponse<String> ready = get(ops + "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("database: ok") && ready.body().contains("scheduler: ok")
                && ready.body().contains("slack: ok"), ready.body());
        HttpResponse<String> metrics = get(ops + "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains(
                "triagebot_slack_api_calls_total{method=\"chat.postMessage\",result=\"ok\"}"), metrics.body());
        assertTrue(metrics.body().contains("triagebot_slack_api_duration_seconds_count{method=\"chat.update\"}"),
                metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics");
        assertTrue(metrics.body().contains("process_cpu_seconds_total"), "process metrics");
        Promtool.checkMetrics(metrics.body());
        // Slack's public port answers Slack's path alone.
        String slackPort = "http://127.0.0.1:" + harness.bot().httpPort();
        for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
            assertEquals(404, get(slackPort + path).statusCode(), path + " on Slack's port");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void severalHostsGetOneAnchorEach() throws Exception {
        HttpResponse<String> ack = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3 refused-1"));
        assertEquals(200, ack.statusCode());
        await(() -> slack.calls("chat.update").size() >= 2, 30);
        long anchors = slack.calls("chat.postMessage").stream().filter(m -> !m.containsKey("thread_ts")).count();
        assertEquals(2, anchors);
    }

    @Test
    void unreachableHostIsExplainedInTheThreadAndTheAnchorUpdated() throws Exception {
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "refused-1"));
        await(() -> slack.calls("chat.update").size() >= 1, 20);
        Map<String, String> reply = slack.calls("chat.postMessage").stream()
                .filter(m -> slack.anchorTs().get(0).equals(m.get("thread_ts"))).findFirst().orElseThrow();
        assertTrue(reply.get("blocks").contains("REFUSED") && reply.get("blocks").contains("What to check"),
                reply.get("blocks"));
        assertTrue(slack.calls("chat.update").get(0).get("blocks").contains("failed"));
    }

    @Test
    void unknownHostIsExplainedInTheThread() throws Exception {
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "no-such-host.invalid"));
        await(() -> slack.calls("chat.update").size() >= 1, 20);
        Map<String, String> reply = slack.calls("chat.postMessage").stream()
                .filter(m -> slack.anchorTs().get(0).equals(m.get("thread_ts"))).findFirst().orElseThrow();
        assertTrue(reply.get("blocks").contains("UNKNOWN HOST"), reply.get("blocks"));
    }

    @Test
    void helpAndBadArgumentsAreAnsweredEphemerallyWithoutPosting() throws Exception {
        for (String text : List.of("", "help")) {
            HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, text));
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("Usage"), r.body());
        }
        HttpResponse<String> bad = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3;reboot"));
        assertTrue(bad.body().contains("not a host name"), bad.body());
        HttpResponse<String> mention = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "<!channel>"));
        assertFalse(mention.body().contains("<!channel>"), "input is escaped in the answer: " + mention.body());
        Thread.sleep(300);
        assertEquals(0, slack.calls("chat.postMessage").size(), "nothing is posted for help or bad input");
    }

    @Test
    void forgedSignatureIsRejected() throws Exception {
        HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"),
                System.currentTimeMillis() / 1000, "v0=" + "0".repeat(64));
        assertEquals(401, r.statusCode());
        Thread.sleep(300);
        assertEquals(0, slack.calls("chat.postMessage").size());
    }

    @Test
    void staleTimestampIsRejected() throws Exception {
        long tenMinutesAgo = System.currentTimeMillis() / 1000 - 600;
        HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"), tenMinutesAgo,
                null);
        assertEquals(401, r.statusCode());
        Thread.sleep(300);
        assertEquals(0, slack.calls("chat.postMessage").size());
    }

    @Test
    void rateLimitedPostIsRetriedAfterRetryAfterAndArrivesOnce() throws Exception {
        slack.failFirst("chat.postMessage", 1, 429);
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"));
        await(() -> slack.calls("chat.update").size() >= 1, 30);
        assertDeliveredOnceEach();
        assertEquals(1, slack.anchorTs().size(), "one anchor delivered");
        assertEquals(slack.delivered("chat.postMessage") + 1, slack.calls("chat.postMessage").size(),
                "exactly one attempt was refused and retried");
    }

    @Test
    void serverErrorsAreRetriedAndTheMessageArrivesOnce() throws Exception {
        slack.failFirst("chat.postMessage", 2, 503);
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, USER, "db-3"));
        await(() -> slack.calls("chat.update").size() >= 1, 30);
        assertDeliveredOnceEach();
        assertEquals(1, slack.anchorTs().size(), "one anchor delivered");
        long anchorAttempts = slack.calls("chat.postMessage").stream().filter(m -> !m.containsKey("thread_ts")).count();
        assertEquals(3, anchorAttempts, "two failed attempts and one delivery of the anchor");
    }

    /** No message reached Slack twice: retries never duplicate. */
    private static void assertDeliveredOnceEach() {
        java.util.List<String> delivered = slack.deliveredInOrder();
        assertEquals(delivered.size(), new java.util.HashSet<>(delivered).size(), "duplicates in " + delivered);
    }

    /** Blocks as Slack will read them: Gson escapes '<' as \\u003c on the wire. */
    private static String decoded(String blocksJson) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(blocksJson).toString();
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + seconds + " s; Slack saw " + slack.server.getAllServeEvents().size()
                + " calls");
    }
}
