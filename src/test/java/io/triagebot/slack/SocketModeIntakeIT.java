package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.config.BotConfig;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.RunLimits;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.store.Database;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.FakeSocketMode;
import io.triagebot.triage.TriageService;
import io.triagebot.triage.TriageSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket Mode through the real Bolt app and its WebSocket client, Slack's end faked on loopback: an envelope
 * Slack redelivers is acknowledged each time and acted on once; a message over 1 MiB is dropped and the
 * connection serves on.
 */
class SocketModeIntakeIT {

    @TempDir
    Path dir;

    @Test
    void aRedeliveredEnvelopeIsActedOnOnceAndAnOversizedOneIsDropped() throws Exception {
        // closed-1 refuses at once: the incident is opened and fails fast, with nothing to wait for.
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"),
                "Host closed-1\n  HostName 127.0.0.1\n  Port 1\n  ConnectTimeout 2\n");
        Path data = dir.resolve("data");
        try (FakeSlackApi slack = new FakeSlackApi(); FakeSocketMode socket = new FakeSocketMode(slack);
                Database database = Database.open(DatabaseSettings.embedded(data))) {
            BotConfig config = new BotConfig("xoxb-socket", "xapp-socket", null, slack.baseUrl(), 0, 0, Set.of(), Set.of(),
                    Duration.ofMillis(500), Duration.ofSeconds(5), 2, 10, 10, sshConfig, null, null, data,
                    DatabaseSettings.embedded(data), null, BotConfig.Approval.defaults());
            TriageService service = TriageSetup.build(null, null, sshConfig, true,
                    new CollectorSettings(config.window(), config.deadline(), RunLimits.DEFAULT_MAX_OUTPUT_BYTES));
            try (SlackBot bot = new SlackBot(config, service, service::runnerFor, RunbookCatalogLoader.loadBuiltIn(),
                    database, Clock.systemUTC())) {
                bot.start();
                socket.awaitConnection(30);

                for (int attempt = 0; attempt < 3; attempt++) {
                    socket.send(slashCommand("env-triage-1", attempt, "closed-1"));
                }
                await(() -> acks(socket, "env-triage-1").size() == 3, 30, "every delivery acknowledged");
                assertEquals(1, acks(socket, "env-triage-1").stream().filter(a -> a.contains("Triaging")).count(),
                        "one delivery acted on: " + acks(socket, "env-triage-1"));
                await(() -> slack.calls("chat.update").size() >= 1, 30, "the triage recorded");
                assertEquals(1, slack.anchorTs().size(), "one incident, one anchor");

                socket.send(slashCommand("env-huge-1", 0, "help " + "x".repeat(1024 * 1024)));
                socket.send(slashCommand("env-help-1", 0, "help"));
                await(() -> acks(socket, "env-help-1").size() == 1, 30, "the next envelope answered");
                assertTrue(acks(socket, "env-help-1").get(0).contains("Usage"), acks(socket, "env-help-1").get(0));
                assertEquals(List.of(), acks(socket, "env-huge-1"), "the oversized envelope was not acted on");
            }
        }
    }

    private static List<String> acks(FakeSocketMode socket, String envelopeId) {
        return socket.received().stream().filter(m -> m.contains("\"" + envelopeId + "\"")).toList();
    }

    private static String slashCommand(String envelopeId, int retryAttempt, String text) {
        return "{\"envelope_id\":\"" + envelopeId + "\",\"type\":\"slash_commands\",\"accepts_response_payload\":true,"
                + "\"retry_attempt\":" + retryAttempt + ",\"retry_reason\":\"" + (retryAttempt == 0 ? "" : "timeout")
                + "\",\"payload\":{\"token\":\"legacy\",\"team_id\":\"T0001\",\"team_domain\":\"example\","
                + "\"channel_id\":\"C0SOCKET\",\"channel_name\":\"incident\",\"user_id\":\"U0ONCALL\","
                + "\"user_name\":\"oncall\",\"command\":\"/triage\",\"text\":\"" + text + "\",\"api_app_id\":\"A0001\","
                + "\"is_enterprise_install\":\"false\",\"response_url\":\"https://hooks.slack.com/commands/T0001/1/abc\","
                + "\"trigger_id\":\"1.2." + envelopeId + "\"}}";
    }
}
