package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionStore;
import io.triagebot.approval.ApprovalPolicy;
import io.triagebot.approval.ApprovalService;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.store.Database;
import io.triagebot.testsupport.BotProcess;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.RecordedCondition;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.testsupport.TestSshd;
import io.triagebot.triage.TriageOutcome;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real bot processes ({@code java -jar target/triagebot.jar serve}) sharing one PostgreSQL database,
 * as two pods of the chart would: a command or a click delivered to either works, a click duplicated to
 * both runs once, each scheduled job (outbox, expiry, verification) does its work once, and a stopped
 * replica finishes or records its triage. Needs PostgreSQL and root (the action changes vm.swappiness on
 * this machine, and puts it back).
 */
class TwoReplicasIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String REQUESTER = "U0ONCALL";
    static final String SECRET = "replica-signing-secret";
    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");
    static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));

    @TempDir
    Path dir;

    @Test
    void twoReplicasShareTheWorkWithNothingLostOrDoneTwice() throws Exception {
        LiveTests.requireOrSkip(TestDatabases.postgresUrl() != null, "two replicas share PostgreSQL");
        LiveTests.requireOrSkip(LiveTests.isRoot(), "the duplicated click changes vm.swappiness: needs root");
        TestSshd.assumeAvailable();
        String original = swappiness();
        try (TestSshd sshd = TestSshd.start(); FakeSlackApi slack = new FakeSlackApi();
                TestDatabases.TestDatabase pg = TestDatabases.create("postgresql");
                Database db = Database.open(pg.settings())) {
            Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
            Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-replica",
                    "SLACK_SIGNING_SECRET", SECRET, "SLACK_API_URL", slack.baseUrl(),
                    "TRIAGEBOT_DB_URL", pg.settings().url(), "TRIAGEBOT_DB_USER", pg.settings().user(),
                    "TRIAGEBOT_DB_PASSWORD", ""));
            try (BotProcess a = BotProcess.start(PROJECT, "replica-a", sshConfig, with(env, dir, "a"), dir);
                    BotProcess b = BotProcess.start(PROJECT, "replica-b", sshConfig, with(env, dir, "b"), dir)) {
                a.awaitReady(Duration.ofSeconds(60));
                b.awaitReady(Duration.ofSeconds(60));
                IncidentStore incidents = new IncidentStore(db);

                // A command to A, a note to B: both land in the one incident's thread, each message once.
                IncidentId id = triage(a);
                await(() -> has(incidents, id, EventType.FINDINGS), 30, "the triage through replica A");
                String note = b.requests().send(SignedSlackRequests.slashCommand(CHANNEL, REQUESTER,
                        "note " + id + " noted through replica B")).body();
                assertTrue(note.contains("Noted"), note);
                await(() -> slack.deliveredInOrder().stream().anyMatch(m -> m.contains("noted through replica B")), 30,
                        "the note delivered");

                // A proposal (from a swap storm the lab recorded on this machine), its card delivered by
                // whichever replica's outbox sweep claims it.
                Incident incident = incidents.find(id).orElseThrow();
                TriageOutcome.Reported storm = new RecordedCondition("swap-storm", "db-3", h -> null, 1).recorded();
                ActionRecord action = proposer(db, incidents, Duration.ofMinutes(15))
                        .propose(incident, storm.report(), storm.snapshot()).stream()
                        .filter(x -> x.runbookId().equals("vm-swappiness")).findFirst().orElseThrow();
                await(() -> slack.calls("chat.postMessage").stream()
                        .anyMatch(m -> m.getOrDefault("blocks", "").contains(action.token())), 30, "the card delivered");

                // The same click delivered five times to each replica at once: one execution.
                ExecutorService pool = Executors.newFixedThreadPool(10);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> clicks = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    BotProcess to = i % 2 == 0 ? a : b;
                    clicks.add(pool.submit(() -> {
                        go.await();
                        return to.requests().send(SignedSlackRequests.buttonClick(CHANNEL, "U0SECOND",
                                SlackActionPresenter.APPROVE, action.token())).statusCode();
                    }));
                }
                go.countDown();
                for (Future<Integer> c : clicks) {
                    assertEquals(200, c.get());
                }
                pool.shutdown();
                await(() -> count(incidents, id, EventType.ACTION_EXECUTED) == 1, 30, "the action ran");
                assertEquals("10", swappiness());

                // A proposal nobody approves expires once, across both replicas' expiry jobs.
                ActionRecord expiring = proposer(db, incidents, Duration.ofSeconds(2))
                        .propose(incident, storm.report(), storm.snapshot()).get(0);
                await(() -> count(incidents, id, EventType.ACTION_EXPIRED) >= 1, 30, "expired");

                // Verification after the 30 s settle time, once.
                await(() -> count(incidents, id, EventType.ACTION_VERIFIED)
                        + count(incidents, id, EventType.ACTION_NOT_IMPROVED) >= 1, 90, "verified");
                await(() -> pending(incidents) == 0, 30, "outbox drained");
                Thread.sleep(6000); // a full sweep interval more: a second execution, expiry or verdict would show
                assertEquals(1, count(incidents, id, EventType.ACTION_EXECUTED), "ten clicks on two replicas, one run");
                assertEquals(1, count(incidents, id, EventType.ACTION_EXPIRED), "expired once");
                assertEquals(1, count(incidents, id, EventType.ACTION_VERIFIED)
                        + count(incidents, id, EventType.ACTION_NOT_IMPROVED), "verified once");
                List<String> delivered = slack.deliveredInOrder();
                assertEquals(delivered.size(), new HashSet<>(delivered).size(), "nothing delivered twice: " + delivered);
                assertEquals(1, slack.calls("chat.update").stream().filter(m -> m.getOrDefault("blocks", "")
                        .contains("Expired")).count(), "the expired card updated once");
                assertTrue(expiring.token().length() == 32);

                // A stop while a triage runs: it finishes (or says it was interrupted); B keeps serving.
                IncidentId last = triage(a);
                int exit = a.stop(Duration.ofSeconds(40));
                assertNotEquals(-1, exit, "replica A stops within its grace period:\n" + a.log());
                assertTrue(has(incidents, last, EventType.FINDINGS) || has(incidents, last, EventType.TRIAGE_INTERRUPTED)
                        || has(incidents, last, EventType.TRIAGE_FAILED), "no triage left hanging: "
                        + incidents.timeline(last));
                assertEquals(200, b.get("/readyz").statusCode());
                IncidentId viaB = triage(b);
                await(() -> has(incidents, viaB, EventType.FINDINGS), 30, "replica B triages alone");
                String metrics = b.get("/metrics").body();
                assertTrue(metrics.contains("triagebot_triages_total"), metrics);
            }
        } finally {
            Files.writeString(SWAPPINESS, original + "\n");
        }
    }

    private static Map<String, String> with(Map<String, String> env, Path dir, String name) {
        Map<String, String> out = new HashMap<>(env);
        out.put("TRIAGEBOT_DATA_DIR", dir.resolve("data-" + name).toString());
        return out;
    }

    private static IncidentId triage(BotProcess replica) throws Exception {
        String ack = replica.requests().send(SignedSlackRequests.slashCommand(CHANNEL, REQUESTER, "db-3")).body();
        Matcher m = Pattern.compile("INC-\\d+").matcher(ack);
        assertTrue(m.find(), ack);
        return IncidentId.parse(m.group()).orElseThrow();
    }

    /** Proposals made as a triage in either replica makes them: stored, with their cards in the outbox. */
    private static ApprovalService proposer(Database db, IncidentStore incidents, Duration ttl) throws Exception {
        return new ApprovalService(new ActionStore(db), incidents, RunbookCatalogLoader.loadBuiltIn(),
                new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()), new ActionExecutor(Duration.ofSeconds(5)),
                host -> {
                    throw new AssertionError("the replicas run actions, not the test");
                }, new SlackActionPresenter(), ApprovalService.Observer.NONE, Clock.systemUTC(), ttl);
    }

    private static boolean has(IncidentStore incidents, IncidentId id, EventType type) {
        return count(incidents, id, type) > 0;
    }

    private static long count(IncidentStore incidents, IncidentId id, EventType type) {
        try {
            return incidents.timeline(id).stream().map(TimelineEvent::type).filter(type::equals).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pending(IncidentStore incidents) {
        try {
            return incidents.pendingCount();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String swappiness() throws Exception {
        try (InputStream in = Files.newInputStream(SWAPPINESS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
