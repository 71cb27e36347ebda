package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.ops.BotMetrics;
import io.triagebot.store.Database;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.SlackChannels;
import io.triagebot.testsupport.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Delivery against a fake Slack that keeps what it was sent: permanent errors fail one message and the
 * rest goes on; timeouts, crashes and expired claims never post a message twice; a refused token pauses
 * delivery and loses nothing. On H2 and, when it answers, PostgreSQL.
 */
class OutboxDeliveryTest {

    private static final String CHANNEL = "C0INCIDENT";
    private static final String USER = "U0ONCALL";

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageSlackRefusesFailsAloneIsRecordedAndTheNextStillArrives(String kind) throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            IncidentService incidents = new IncidentService(store, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            slack.refusePostsContaining("REFUSEDNOTE", "invalid_blocks");
            Incident incident = incidents.open(CHANNEL, USER, "db-3");
            incidents.note(incident.id(), USER, "REFUSEDNOTE that Slack will not take");
            incidents.note(incident.id(), USER, "the note after it");
            try (OutboxDeliverer outbox = deliverer(store, slack, quickRetries(), "one")) {
                outbox.deliverDue();
                outbox.deliverDue(); // a second round must not tell the thread again

                List<SlackChannels.Posted> posted = slack.channels.posted();
                String anchor = posted.get(0).ts();
                assertEquals(3, posted.size(), "anchor, the next note, one notice: " + posted);
                assertTrue(posted.get(1).text().contains("the note after it"), "the next note arrives: " + posted);
                assertEquals(anchor, posted.get(1).threadTs());
                assertEquals(List.of(anchor), slack.anchorTs(), "what Slack answered is what it kept");
                SlackChannels.Posted notice = posted.get(2);
                assertEquals(anchor, notice.threadTs(), "the thread is told");
                assertTrue(notice.text().contains("could not be posted") && notice.text().contains("invalid_blocks"),
                        notice.text());
                assertTrue(notice.text().length() < 200, "short: " + notice.text());
                assertEquals(1, posted.stream().filter(p -> p.text().contains("could not be posted")).count(),
                        "told once");

                assertEquals(1, store.countByStatus(incident.id(), "FAILED"));
                assertEquals(0, store.countByStatus(incident.id(), "PENDING"));
                List<TimelineEvent> failures = store.events(incident.id(), EventType.DELIVERY_FAILED);
                assertEquals(1, failures.size());
                assertTrue(failures.get(0).summary().contains("invalid_blocks"), failures.get(0).summary());
                assertEquals(1, slack.calls("chat.postMessage").stream()
                        .filter(f -> f.get("text").contains("REFUSEDNOTE")).count(), "a refused message is not retried");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPostSlackStoredButAnsweredTooLateAppearsOnce(String kind) throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            IncidentService incidents = new IncidentService(store, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            // Slack stores the anchor, then answers after the client has given up reading.
            slack.slowFirstPost(3000);
            Incident incident = incidents.open(CHANNEL, USER, "db-3");
            incidents.note(incident.id(), USER, "a note");
            try (OutboxDeliverer outbox = deliverer(store, slack, quickRetries(), "one")) {
                await(() -> {
                    outbox.deliverDue();
                    return pending(store, incident) == 0;
                });
                List<SlackChannels.Posted> posted = slack.channels.posted();
                assertEquals(2, posted.size(), "the anchor once, then the note: " + posted);
                assertEquals(1, posted.stream().filter(p -> p.threadTs() == null).count(), "one anchor");
                assertEquals(posted.get(0).ts(), store.find(incident.id()).orElseThrow().anchorTs(),
                        "the stored anchor is the one Slack kept");
                assertEquals(posted.get(0).ts(), posted.get(1).threadTs());
                assertTrue(slack.calls("conversations.history").size() >= 1, "looked before posting again");
                assertTrue(List.of("1", "true").contains(
                        slack.calls("conversations.history").get(0).get("include_all_metadata")), "asks for metadata");
                String metadata = slack.calls("chat.postMessage").get(0).get("metadata");
                assertTrue(metadata != null && metadata.contains(DeliveryKey.EVENT_TYPE), "the post carries its key: "
                        + metadata);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aCrashBetweenThePostAndMarkingItSentPostsOnce(String kind) throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database survivor = Database.open(tdb.settings())) {
            Database crashing = Database.open(tdb.settings());
            IncidentStore store = new IncidentStore(survivor);
            IncidentService incidents = new IncidentService(store, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            Incident incident = incidents.open(CHANNEL, USER, "db-3");
            // The first replica loses its database the moment Slack has stored the anchor: it never marks it.
            slack.channels.onStored(p -> crashing.close());
            Duration lease = Duration.ofSeconds(20);
            // (A long read timeout: closing the pool may take a moment, and this replica must see its post succeed.)
            try (OutboxDeliverer first = new OutboxDeliverer(new IncidentStore(crashing), poster(slack, quickRetries(), 10_000),
                    "first", Clock.systemUTC(), lease, Duration.ofSeconds(1))) {
                first.deliverDue();
            }
            slack.channels.onStored(p -> { });
            assertEquals(1, slack.channels.posted().size());
            assertEquals(1, pending(store, incident), "not marked sent");

            // A new instance, once the claim has run out.
            Clock later = Clock.offset(Clock.systemUTC(), lease.plusSeconds(1));
            try (OutboxDeliverer second = new OutboxDeliverer(store, poster(slack, quickRetries()), "second", later,
                    lease, Duration.ofSeconds(1))) {
                second.deliverDue();
            }
            assertEquals(0, pending(store, incident));
            List<SlackChannels.Posted> posted = slack.channels.posted();
            assertEquals(1, posted.size(), "posted once: " + posted);
            assertEquals(posted.get(0).ts(), store.find(incident.id()).orElseThrow().anchorTs());
            assertEquals(1, slack.calls("chat.postMessage").size(), "found, not posted again");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aClaimThatRunsOutDuringASlowPostLetsTheNextOwnerFindItAndTheFirstCannotMarkIt(String kind)
            throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database dbA = Database.open(tdb.settings()); Database dbB = Database.open(tdb.settings())) {
            IncidentStore storeA = new IncidentStore(dbA);
            IncidentStore storeB = new IncidentStore(dbB);
            IncidentService incidents = new IncidentService(storeA, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            Incident incident = incidents.open(CHANNEL, USER, "db-3");
            // A's claim is shorter than its slow post really takes (its read timeout is longer than its
            // policy says), so B takes the message over while A's post is still on its way back.
            slack.slowFirstPost(4000);
            RetryPolicy understated = new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10),
                    Duration.ofMillis(10), Duration.ofMillis(500));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (OutboxDeliverer a = new OutboxDeliverer(storeA, poster(slack, understated, 10_000), "replica-a",
                    Clock.systemUTC(), Duration.ofMillis(1500), Duration.ofSeconds(1));
                    OutboxDeliverer b = new OutboxDeliverer(storeB, poster(slack, quickRetries()), "replica-b",
                            Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofSeconds(1))) {
                Future<Integer> slow = pool.submit(a::deliverDue);
                await(() -> !slack.channels.posted().isEmpty());
                await(() -> {
                    b.deliverDue();
                    return pending(storeB, incident) == 0;
                });
                assertEquals(0, slow.get(), "A's late answer cannot mark what B settled");
            } finally {
                pool.shutdownNow();
            }
            List<SlackChannels.Posted> posted = slack.channels.posted();
            assertEquals(1, posted.size(), "posted once: " + posted);
            assertEquals(posted.get(0).ts(), storeA.find(incident.id()).orElseThrow().anchorTs());
            assertEquals(1, slack.calls("chat.postMessage").size());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void noAttemptStartsThatCouldOutliveTheClaimAndTheMessageStaysInDoubt(String kind) throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database dbA = Database.open(tdb.settings()); Database dbB = Database.open(tdb.settings())) {
            IncidentStore storeA = new IncidentStore(dbA);
            IncidentService incidents = new IncidentService(storeA, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            Incident incident = incidents.open(CHANNEL, USER, "db-3");
            slack.slowFirstPost(3000);
            // A long retry: 2.5 s between attempts, but a claim of 4 s. After the first attempt times out
            // (1 s), a second one could not finish in time: A gives the message back instead of posting.
            RetryPolicy slowRetries = new RetryPolicy(3, Duration.ofMillis(2500), Duration.ofMillis(2500),
                    Duration.ofMillis(2500), Duration.ofMillis(1000));
            try (OutboxDeliverer a = new OutboxDeliverer(storeA, poster(slack, slowRetries), "replica-a",
                    Clock.systemUTC(), Duration.ofSeconds(4), Duration.ofSeconds(1))) {
                assertEquals(0, a.deliverDue());
            }
            assertEquals(1, slack.calls("chat.postMessage").size(), "A did not post again");
            assertEquals(1, pending(storeA, incident));
            IncidentStore storeB = new IncidentStore(dbB);
            Clock due = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)); // past A's backoff
            try (OutboxDeliverer b = new OutboxDeliverer(storeB, poster(slack, quickRetries()), "replica-b", due,
                    Duration.ofSeconds(30), Duration.ofSeconds(1))) {
                b.deliverDue();
            }
            assertEquals(0, pending(storeB, incident));
            assertEquals(1, slack.channels.posted().size(), "B found A's post: " + slack.channels.posted());
            assertEquals(1, slack.calls("chat.postMessage").size());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRefusedTokenPausesDeliveryLosesNothingAndResumesWhenItWorks(String kind) throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create(kind);
                Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            IncidentService incidents = new IncidentService(store, new SlackIncidentPresenter(Clock.systemUTC()),
                    Clock.systemUTC());
            Incident first = incidents.open(CHANNEL, USER, "db-3");
            incidents.note(first.id(), USER, "a note");
            Incident second = incidents.open(CHANNEL, USER, "db-4");
            slack.refuse("chat.postMessage", "invalid_auth");
            slack.refuse("auth.test", "invalid_auth");
            try (OutboxDeliverer outbox = new OutboxDeliverer(store, poster(slack, quickRetries()), "one",
                    Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofMillis(200))) {
                BotMetrics metrics = new BotMetrics(store::pendingCount,
                        () -> store.oldestPendingAge(java.time.Instant.now()).toMillis() / 1000.0, outbox::tokenOk);
                assertTrue(metrics.scrape().contains("triagebot_slack_token_ok 1"), "ok before Slack said otherwise");
                outbox.deliverDue();
                assertFalse(outbox.tokenOk());
                assertTrue(metrics.scrape().contains("triagebot_slack_token_ok 0"), metrics.scrape());
                assertEquals(1, slack.calls("chat.postMessage").size(), "paused after the first refusal");
                Thread.sleep(300); // let a probe come due: the token is still refused
                outbox.deliverDue();
                assertFalse(outbox.tokenOk());
                assertTrue(slack.calls("auth.test").size() >= 1, "probed");
                assertEquals(1, slack.calls("chat.postMessage").size(), "nothing posted while paused");
                for (Incident i : List.of(first, second)) {
                    assertEquals(0, store.countByStatus(i.id(), "FAILED") + store.countByStatus(i.id(), "DEAD"),
                            "nothing dropped");
                }
                assertEquals(3, store.pendingCount());
                double age = Double.parseDouble(metrics.scrape().lines()
                        .filter(l -> l.startsWith("triagebot_outbox_oldest_age_seconds ")).findFirst().orElseThrow()
                        .split(" ")[1]);
                assertTrue(age > 0.2 && age < 60, "the oldest message has waited since it was queued: " + age);

                slack.reset(); // the token works again
                await(() -> {
                    outbox.deliverDue();
                    return store.pendingCount() == 0;
                });
                assertTrue(outbox.tokenOk());
                assertTrue(metrics.scrape().contains("triagebot_slack_token_ok 1"));
                assertTrue(metrics.scrape().contains("triagebot_outbox_oldest_age_seconds 0"), metrics.scrape());
                assertEquals(3, slack.channels.posted().size(), "everything delivered, once");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aLookupPagesThroughABusyChannelAndAThreadAndAsksForMetadata() throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi()) {
            SlackPoster poster = poster(slack, quickRetries());
            java.time.Instant queued = java.time.Instant.now();
            DeliveryKey anchorKey = new DeliveryKey("anchor-key", queued);
            DeliveryKey replyKey = new DeliveryKey("reply-key", queued);
            SlackMessage text = new SlackMessage("hello", List.of());
            String anchor = poster.postOnce(CHANNEL, null, text, anchorKey, false, null);
            String reply = poster.postOnce(CHANNEL, anchor, text, replyKey, false, null);
            // Newer traffic: 218 top-level messages put the anchor on the second page of the history (200 a page).
            for (int i = 0; i < 250; i++) {
                poster.post(CHANNEL, i % 8 == 0 ? anchor : null, text);
            }
            assertEquals(java.util.Optional.of(anchor), poster.find(CHANNEL, null, anchorKey));
            assertEquals(java.util.Optional.of(reply), poster.find(CHANNEL, anchor, replyKey));
            assertEquals(java.util.Optional.empty(), poster.find(CHANNEL, anchor, new DeliveryKey("other", queued)));
            assertTrue(slack.calls("conversations.history").size() >= 2, "paged");
            // Posting again with the message in doubt finds it instead.
            assertEquals(anchor, poster.postOnce(CHANNEL, null, text, anchorKey, true, null));
            assertEquals(252, slack.channels.posted().size(), "nothing posted twice");
        }
    }

    // ---- helpers ----

    private static RetryPolicy quickRetries() {
        return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofSeconds(1),
                Duration.ofMillis(1000));
    }

    private static OutboxDeliverer deliverer(IncidentStore store, FakeSlackApi slack, RetryPolicy policy,
            String replica) {
        SlackPoster poster = poster(slack, policy);
        return new OutboxDeliverer(store, poster, replica, Clock.systemUTC());
    }

    /** A poster whose HTTP calls time out as {@code policy} says. */
    private static SlackPoster poster(FakeSlackApi slack, RetryPolicy policy) {
        return poster(slack, policy, (int) policy.requestTimeout().toMillis());
    }

    private static SlackPoster poster(FakeSlackApi slack, RetryPolicy policy, int readTimeoutMillis) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.baseUrl());
        config.setHttpClientReadTimeoutMillis(readTimeoutMillis);
        config.setHttpClientCallTimeoutMillis(readTimeoutMillis + 500);
        return new SlackPoster(Slack.getInstance(config).methods("xoxb-test"), policy);
    }

    private static int pending(IncidentStore store, Incident incident) throws Exception {
        return store.countByStatus(incident.id(), "PENDING");
    }

    /** Polls {@code condition} until it holds, for at most 30 s. */
    private static void await(CheckedCondition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
