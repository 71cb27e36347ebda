package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.BotProcess;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.StreamedPost;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack that used to kill the bot: an unsigned POST of 256 MiB to {@code /slack/events}, streamed in
 * chunks (no length announced), against the real jar in its own JVM with a 256 MiB heap. It is refused
 * with 413 long before its end, the bot stays up and serves the next signed request, and nothing of the
 * body reaches the log, nor of a small forged body, nor of a signed one Bolt does not recognise.
 */
class OversizedRequestIT {

    static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));
    static final String SECRET = "oversize-signing-secret";
    static final String MARKER = "payload=OVERSIZE-MARKER-7f3a9c&";
    static final long BODY = 256L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void anUnsignedStreamedQuarterGibibyteIsRefusedAndTheBotServesOn() throws Exception {
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), "Host db-3\n  HostName 127.0.0.1\n");
        try (FakeSlackApi slack = new FakeSlackApi();
                BotProcess bot = BotProcess.start(PROJECT, "oversize", sshConfig, Map.of("SLACK_BOT_TOKEN", "xoxb-oversize",
                        "SLACK_SIGNING_SECRET", SECRET, "SLACK_API_URL", slack.baseUrl(),
                        "TRIAGEBOT_DATA_DIR", dir.resolve("data").toString()), dir)) {
            bot.awaitReady(Duration.ofSeconds(60));

            StreamedPost.Outcome chunked = StreamedPost.send(bot.port(), SlackBot.EVENTS_PATH, Map.of(), BODY, true,
                    MARKER);
            assertEquals(413, chunked.status(), bot.log());
            assertTrue(chunked.bodyBytesSent() < BODY, "refused while streaming: " + chunked.bodyBytesSent()
                    + " bytes sent of " + BODY);
            StreamedPost.Outcome declared = StreamedPost.send(bot.port(), SlackBot.EVENTS_PATH, Map.of(), BODY, false,
                    MARKER);
            assertEquals(413, declared.status(), bot.log());

            // Small bodies that are not Slack's: unsigned, and signed but of no shape Bolt knows.
            StreamedPost.Outcome forged = StreamedPost.send(bot.port(), SlackBot.EVENTS_PATH,
                    Map.of("X-Slack-Request-Timestamp", Long.toString(System.currentTimeMillis() / 1000),
                            "X-Slack-Signature", "v0=" + "0".repeat(64)), 4096, false, MARKER);
            assertEquals(401, forged.status());
            HttpResponse<String> unknown = bot.requests().send(Map.of("unknown", MARKER));
            assertTrue(unknown.statusCode() >= 400, "Bolt refuses it: " + unknown.statusCode());

            assertTrue(bot.alive(), "the bot survived:\n" + bot.log());
            HttpResponse<String> next = bot.requests().send(SignedSlackRequests.slashCommand("C0NEXT", "U0NEXT",
                    "help"));
            assertEquals(200, next.statusCode(), next.body());
            assertTrue(next.body().contains("Usage"), next.body());
            String log = bot.log();
            assertTrue(log.contains("refused a Slack request streaming more than"), "the refusal is logged:\n" + log);
            assertFalse(log.contains("OVERSIZE-MARKER"), "nothing of the body in the log:\n" + log);
            assertFalse(log.contains("OutOfMemoryError"), log);
        }
    }
}
