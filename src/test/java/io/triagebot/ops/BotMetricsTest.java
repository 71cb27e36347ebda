package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BotMetricsTest {

    @Test
    void triagesAreCountedByOutcomeAndSeverityAndTimed() {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.triageFinished("reported", "HIGH", Duration.ofMillis(2500));
        metrics.triageFinished("reported", "HIGH", Duration.ofMillis(700));
        metrics.triageFinished("failed", "none", Duration.ofSeconds(45));
        String scrape = metrics.scrape();

        assertEquals(2.0, sample(scrape, "triagebot_triages_total{outcome=\"reported\",severity=\"HIGH\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_triages_total{outcome=\"failed\",severity=\"none\"}"), scrape);
        assertEquals(0.0, sample(scrape, "triagebot_triages_total{outcome=\"interrupted\",severity=\"LOW\"}"),
                "known series start at zero");
        assertTrue(scrape.contains("# TYPE triagebot_triages_total counter"), scrape);

        assertTrue(scrape.contains("# TYPE triagebot_triage_duration_seconds histogram"), scrape);
        assertEquals(0.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"0.5\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"1.0\"}"), scrape);
        assertEquals(2.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"3.0\"}"), scrape);
        assertEquals(2.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"30.0\"}"), scrape);
        assertEquals(3.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"60.0\"}"), scrape);
        assertEquals(3.0, sample(scrape, "triagebot_triage_duration_seconds_bucket{le=\"+Inf\"}"), scrape);
        assertEquals(3.0, sample(scrape, "triagebot_triage_duration_seconds_count"), scrape);
        assertEquals(48.2, sample(scrape, "triagebot_triage_duration_seconds_sum"), 1e-9, scrape);
    }

    @Test
    void aTriageWithoutADurationIsCountedButNotTimed() {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.triageFinished("interrupted", "none", null);
        String scrape = metrics.scrape();
        assertEquals(1.0, sample(scrape, "triagebot_triages_total{outcome=\"interrupted\",severity=\"none\"}"));
        assertEquals(0.0, sample(scrape, "triagebot_triage_duration_seconds_count"), scrape);
    }

    @Test
    void sshFailuresActionsAndSlackRequestsAreCountedByTheirLabel() {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.sshFailure("CONNECTION_REFUSED");
        metrics.sshFailure("HOST_KEY_CHANGED");
        metrics.sshFailure("HOST_KEY_CHANGED");
        metrics.action("proposed");
        metrics.action("approved");
        metrics.action("rolled_back");
        metrics.slackRequest("slash_command");
        metrics.slackRequest("block_action");
        metrics.slackRequest("block_action");
        String scrape = metrics.scrape();

        assertEquals(1.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"CONNECTION_REFUSED\"}"), scrape);
        assertEquals(2.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"HOST_KEY_CHANGED\"}"), scrape);
        assertEquals(0.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"AUTH_FAILED\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_actions_total{outcome=\"proposed\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_actions_total{outcome=\"approved\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_actions_total{outcome=\"rolled_back\"}"), scrape);
        assertEquals(0.0, sample(scrape, "triagebot_actions_total{outcome=\"expired\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_slack_requests_total{kind=\"slash_command\"}"), scrape);
        assertEquals(2.0, sample(scrape, "triagebot_slack_requests_total{kind=\"block_action\"}"), scrape);
    }

    @Test
    void theEnumNamesOfTheCodeBaseAreKnownLabelValues() {
        for (var kind : io.triagebot.probe.TargetException.Kind.values()) {
            assertTrue(BotMetrics.SSH_FAILURE_KINDS.contains(kind.name()), kind.name());
        }
        for (var severity : io.triagebot.analysis.Severity.values()) {
            assertTrue(BotMetrics.SEVERITIES.contains(severity.name()), severity.name());
        }
    }

    @Test
    void unexpectedLabelValuesAreCountedAsOther() {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.triageFinished("<!channel>", "SEVERE", Duration.ofSeconds(1));
        metrics.triageFinished(null, null, Duration.ofSeconds(1));
        metrics.sshFailure("db-3.example.com refused");
        metrics.action("deleted everything");
        metrics.action("");
        metrics.slackRequest("event\"}\nfake_metric 1");
        String scrape = metrics.scrape();

        assertEquals(2.0, sample(scrape, "triagebot_triages_total{outcome=\"other\",severity=\"other\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"other\"}"), scrape);
        assertEquals(2.0, sample(scrape, "triagebot_actions_total{outcome=\"other\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_slack_requests_total{kind=\"other\"}"), scrape);
        assertFalse(scrape.contains("channel") || scrape.contains("SEVERE") || scrape.contains("db-3")
                || scrape.contains("fake_metric"), scrape);
    }

    @Test
    void labelValuesAreMatchedIgnoringCaseAndKeptInOneSpelling() {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.triageFinished("Reported", "high", Duration.ofSeconds(1));
        metrics.triageFinished(" reported ", "HIGH", Duration.ofSeconds(1));
        metrics.sshFailure("auth_failed");
        metrics.action("NOT_IMPROVED");
        String scrape = metrics.scrape();
        assertEquals(2.0, sample(scrape, "triagebot_triages_total{outcome=\"reported\",severity=\"HIGH\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"AUTH_FAILED\"}"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_actions_total{outcome=\"not_improved\"}"), scrape);
    }

    @Test
    void outboxDepthIsReadAtEveryScrape() {
        AtomicLong pending = new AtomicLong(3);
        BotMetrics metrics = new BotMetrics(pending::get);
        assertTrue(metrics.scrape().contains("# TYPE triagebot_outbox_depth gauge"));
        assertEquals(3.0, sample(metrics.scrape(), "triagebot_outbox_depth"));
        pending.set(17);
        assertEquals(17.0, sample(metrics.scrape(), "triagebot_outbox_depth"));
    }

    @Test
    void aFailingOutboxDepthIsNaNAndTheRestOfTheScrapeStillComes() {
        BotMetrics metrics = new BotMetrics(() -> {
            throw new IllegalStateException("database is down");
        });
        metrics.sshFailure("TRANSPORT");
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("triagebot_outbox_depth NaN"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_ssh_failures_total{kind=\"TRANSPORT\"}"), scrape);

        BotMetrics checked = new BotMetrics(() -> {
            throw new java.sql.SQLException("connection refused");
        });
        assertTrue(checked.scrape().contains("triagebot_outbox_depth NaN"));
    }

    @Test
    void theOldestMessagesAgeAndTheTokenAreReadAtEveryScrape() {
        java.util.concurrent.atomic.AtomicBoolean tokenOk = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Double> age = new java.util.concurrent.atomic.AtomicReference<>(0.0);
        BotMetrics metrics = new BotMetrics(() -> 0, age::get, tokenOk::get);
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("# TYPE triagebot_outbox_oldest_age_seconds gauge"), scrape);
        assertTrue(scrape.contains("# TYPE triagebot_slack_token_ok gauge"), scrape);
        assertEquals(0.0, sample(scrape, "triagebot_outbox_oldest_age_seconds"));
        assertEquals(1.0, sample(scrape, "triagebot_slack_token_ok"));
        age.set(912.5);
        tokenOk.set(false);
        assertEquals(912.5, sample(metrics.scrape(), "triagebot_outbox_oldest_age_seconds"));
        assertEquals(0.0, sample(metrics.scrape(), "triagebot_slack_token_ok"));

        BotMetrics broken = new BotMetrics(() -> 0, () -> {
            throw new java.sql.SQLException("connection refused");
        }, () -> true);
        assertTrue(broken.scrape().contains("triagebot_outbox_oldest_age_seconds NaN"), broken.scrape());
    }

    @Test
    void twoInstancesCountIndependently() {
        BotMetrics one = new BotMetrics(() -> 1);
        BotMetrics two = new BotMetrics(() -> 2);
        one.sshFailure("CONFIG");
        one.sshFailure("CONFIG");
        two.sshFailure("CONFIG");
        assertEquals(2.0, sample(one.scrape(), "triagebot_ssh_failures_total{kind=\"CONFIG\"}"));
        assertEquals(1.0, sample(two.scrape(), "triagebot_ssh_failures_total{kind=\"CONFIG\"}"));
        assertEquals(1.0, sample(one.scrape(), "triagebot_outbox_depth"));
        assertEquals(2.0, sample(two.scrape(), "triagebot_outbox_depth"));
    }

    @Test
    void writeToWritesWhatScrapeReturns() throws IOException {
        BotMetrics metrics = new BotMetrics(() -> 0);
        metrics.action("executed");
        var out = new java.io.ByteArrayOutputStream();
        metrics.writeTo(out);
        assertEquals(own(metrics.scrape()), own(out.toString(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", BotMetrics.CONTENT_TYPE);
    }

    @Test
    void everyMetricIsDescribedBeforeAnyEvent() {
        String scrape = new BotMetrics(() -> 0).scrape();
        for (String name : new String[] {"triagebot_triages_total", "triagebot_triage_duration_seconds",
            "triagebot_ssh_failures_total", "triagebot_actions_total", "triagebot_outbox_depth",
            "triagebot_slack_requests_total", "triagebot_build_info"}) {
            assertTrue(scrape.contains("# HELP " + name + " "), name + "\n" + scrape);
        }
    }

    @Test
    void buildInfoNamesTheVersionAndCommitOnce() {
        BotMetrics metrics = new BotMetrics(() -> 0, new BuildInfo("0.2.0", "061cd6d86c30", "2026-11-25T04:01:54Z", true));
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("# TYPE triagebot_build_info gauge"), scrape);
        assertEquals(1.0, sample(scrape, "triagebot_build_info{commit=\"061cd6d86c30-dirty\",version=\"0.2.0\"}"), scrape);
        assertEquals(1, scrape.lines().filter(l -> l.startsWith("triagebot_build_info{")).count(), scrape);

        String outsideGit = new BotMetrics(() -> 0, new BuildInfo("0.2.0", BuildInfo.UNKNOWN, BuildInfo.UNKNOWN, false))
                .scrape();
        assertEquals(1.0, sample(outsideGit, "triagebot_build_info{commit=\"unknown\",version=\"0.2.0\"}"), outsideGit);
        // The public constructor reports the build the classes come from.
        String current = new BotMetrics(() -> 0).scrape();
        assertEquals(1.0, sample(current, "triagebot_build_info{commit=\"" + BuildInfo.current().commitLabel()
                + "\",version=\"" + BuildInfo.current().version() + "\"}"), current);
    }

    /** The value of the one sample line starting with {@code series}. */
    static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no sample " + series + " in\n" + scrape);
        }
        double value = Double.parseDouble(m.group(1));
        if (m.find()) {
            throw new AssertionError("two samples " + series + " in\n" + scrape);
        }
        return value;
    }

    /** The bot's own series: the JVM's change between two scrapes (memory, CPU time). */
    static String own(String exposition) {
        return exposition.lines().filter(l -> l.contains("triagebot_")).collect(java.util.stream.Collectors.joining("\n"));
    }
}
