package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole bot (Bolt over HTTP, its database and scheduler) delivering to a fake Slack that misbehaves: a
 * message Slack refuses fails alone and the thread hears of it; a token Slack stops accepting pauses
 * delivery with nothing dropped, /readyz and the token metric say so, and everything goes out once Slack
 * accepts the token again.
 */
class OutboxDeliveryIT {

    private static final String CHANNEL = "C0INCIDENT";

    @TempDir
    Path dir;

    @Test
    void aRefusedTokenPausesDeliveryShowsOnReadyzAndInTheMetricAndDeliveryResumes() throws Exception {
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), "Host db-3\n  HostName 127.0.0.1\n");
        try (FakeSlackApi slack = new FakeSlackApi();
                BotHarness harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")),
                        dir.resolve("data"))) {
            // What /readyz and /metrics answer (SlackBotIT checks that they are served).
            SlackBot bot = harness.bot();
            assertTrue(bot.ready());
            assertTrue(bot.metrics().scrape().contains("triagebot_slack_token_ok 1"));

            slack.refuse("chat.postMessage", "token_revoked");
            slack.refuse("auth.test", "token_revoked");
            IncidentStore store = bot.incidents().store();
            Incident incident = bot.incidents().open(CHANNEL, "U0ONCALL", "db-3");
            bot.incidents().note(incident.id(), "U0ONCALL", "a note");
            bot.outbox().kick();

            BotHarness.await(() -> !bot.ready(), 30, "readyz says not ready");
            assertTrue(!bot.outbox().tokenOk(), "the token is the reason");
            assertTrue(bot.metrics().scrape().contains("triagebot_slack_token_ok 0"));
            assertEquals(2, count(store, incident, "PENDING"), "nothing dropped");
            assertEquals(0, count(store, incident, "FAILED") + count(store, incident, "DEAD"));
            assertTrue(slack.channels.posted().isEmpty());

            slack.reset(); // the token works again: the periodic probe notices, delivery resumes
            BotHarness.await(() -> count(store, incident, "PENDING") == 0, 60, "delivery resumed");
            assertTrue(bot.ready());
            String metrics = bot.metrics().scrape();
            assertTrue(metrics.contains("triagebot_slack_token_ok 1"), metrics);
            assertTrue(metrics.contains("triagebot_outbox_oldest_age_seconds 0"), metrics);
            assertEquals(2, slack.channels.posted().size(), "the anchor and the note, once each: "
                    + slack.channels.posted());
        }
    }

    @Test
    void aReplySlackRefusesFailsAloneTheThreadIsToldOnceAndTheNextArrives() throws Exception {
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), "Host db-3\n  HostName 127.0.0.1\n");
        try (FakeSlackApi slack = new FakeSlackApi();
                BotHarness harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")),
                        dir.resolve("data"))) {
            slack.refusePostsContaining("REFUSEDNOTE", "msg_too_long");
            IncidentStore store = harness.bot().incidents().store();
            Incident incident = harness.bot().incidents().open(CHANNEL, "U0ONCALL", "db-3");
            harness.bot().incidents().note(incident.id(), "U0ONCALL", "REFUSEDNOTE <!channel> & more");
            harness.bot().incidents().note(incident.id(), "U0ONCALL", "the note after it");
            harness.bot().outbox().kick();

            BotHarness.await(() -> count(store, incident, "PENDING") == 0, 30, "everything settled");
            var posted = slack.channels.posted();
            assertEquals(3, posted.size(), "anchor, next note, notice: " + posted);
            assertTrue(posted.get(1).text().contains("the note after it"));
            assertTrue(posted.get(2).text().contains("msg_too_long") && !posted.get(2).text().contains("<!"),
                    posted.get(2).text());
            assertEquals(posted.get(0).ts(), posted.get(2).threadTs(), "told in the thread");
            assertEquals(1, count(store, incident, "FAILED"));
            assertEquals(1, store.events(incident.id(), io.triagebot.incident.EventType.DELIVERY_FAILED).size());
            String postmortem = harness.bot().incidents().exportTimeline(incident.id(), "U0ONCALL");
            // (Markdown may escape the underscores of Slack's error code.)
            assertTrue(postmortem.contains("delivery failed") && postmortem.replace("\\_", "_").contains("msg_too_long"),
                    "the postmortem shows the failure: " + postmortem);
            harness.bot().outbox().kick();
            BotHarness.await(() -> !slack.uploads().isEmpty(), 30, "the export goes out after the failure");
        }
    }

    private static int count(IncidentStore store, Incident incident, String status) {
        try {
            return store.countByStatus(incident.id(), status);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
