package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionStore;
import io.triagebot.approval.ApprovalPolicy;
import io.triagebot.approval.ApprovalService;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.ops.BotMetrics;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.store.Database;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.triage.Triage;
import io.triagebot.triage.TriageOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A stop with triages running and queued: the running one finishes, the queued ones say they were cut short. */
class TriageDispatcherTest {

    @Test
    void aStopFinishesTheRunningTriageAndRecordsTheQueuedOnesAsInterrupted() throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi(); TestDatabases.TestDatabase tdb = TestDatabases.create("h2");
                Database db = Database.open(tdb.settings())) {
            IncidentStore store = new IncidentStore(db);
            Clock clock = Clock.systemUTC();
            IncidentService incidents = new IncidentService(store, new SlackIncidentPresenter(clock), clock);
            SlackConfig config = new SlackConfig();
            config.setMethodsEndpointUrlPrefix(slack.baseUrl());
            SlackPoster poster = new SlackPoster(Slack.getInstance(config).methods("xoxb-test"),
                    new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(10)));
            BotMetrics metrics = new BotMetrics(store::pendingCount);
            ApprovalService approvals = new ApprovalService(new ActionStore(db), store,
                    RunbookCatalogLoader.loadBuiltIn(), new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()),
                    new ActionExecutor(Duration.ofSeconds(1)), host -> {
                        throw new AssertionError("no actions here");
                    }, new SlackActionPresenter(), ApprovalService.Observer.NONE, clock, Duration.ofMinutes(15));
            // A host that takes 1.5 s to fail, like an SSH connect timing out.
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            List<java.util.Map<String, String>> logFields = new java.util.concurrent.CopyOnWriteArrayList<>();
            Triage slow = host -> {
                logFields.add(io.triagebot.ops.LogContext.current());
                started.countDown();
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new TriageOutcome.Failed(host.value(), TargetException.Kind.CONNECT_TIMEOUT,
                        host.value() + ": no answer");
            };
            try (OutboxDeliverer outbox = new OutboxDeliverer(store, poster, "test", clock)) {
                TriageDispatcher dispatcher = new TriageDispatcher(slow, incidents, approvals, outbox, metrics, 1, 10);
                List<Incident> opened = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Incident incident = incidents.open("C0INCIDENT", "U0ONCALL", "db-" + i);
                    opened.add(incident);
                    assertTrue(dispatcher.submit(incident));
                }
                assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first one is running");
                dispatcher.shutdown(5);
                assertTrue(has(store, opened.get(0), EventType.TRIAGE_FAILED), "the running triage finished");
                // Every line the triage logs, on the pool's thread, names its incident, host and requester.
                assertEquals(java.util.Map.of("incident", opened.get(0).id().toString(), "host", "db-0",
                        "slack_user", "U0ONCALL"), logFields.get(0));
                for (Incident queued : opened.subList(1, 3)) {
                    assertTrue(has(store, queued, EventType.TRIAGE_INTERRUPTED), queued.id() + " says it was cut short");
                    assertTrue(store.timeline(queued.id()).stream().noneMatch(e -> e.type() == EventType.TRIAGE_FAILED),
                            "and never ran");
                }
                assertTrue(metrics.scrape().contains("triagebot_triages_total{outcome=\"interrupted\",severity=\"none\"} 2"),
                        metrics.scrape());
                assertTrue(!dispatcher.submit(incidents.open("C0INCIDENT", "U0ONCALL", "db-9")), "no new triages");
                assertEquals(1, metrics.scrape().lines().filter(l -> l.startsWith("triagebot_ssh_failures_total{kind=\"CONNECT_TIMEOUT\"} 1")).count());
            }
        }
    }

    private static boolean has(IncidentStore store, Incident incident, EventType type) throws Exception {
        return store.timeline(incident.id()).stream().map(TimelineEvent::type).anyMatch(type::equals);
    }
}
