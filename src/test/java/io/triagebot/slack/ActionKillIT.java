package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionState;
import io.triagebot.approval.ActionStore;
import io.triagebot.approval.ApprovalPolicy;
import io.triagebot.approval.ApprovalService;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.store.Database;
import io.triagebot.testsupport.BotProcess;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.GatedTee;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.testsupport.TestRunbooks;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot ({@code java -jar target/triagebot.jar serve}, a child process) killed with SIGKILL while an
 * approved action's command runs on the host (the test sshd's tee held at a gate), then started again: the
 * action is UNKNOWN, its thread says what may have happened with the value captured before the command,
 * and the Roll back button restores it. Needs PostgreSQL (the test proposes into the bot's database) and
 * root (vm.swappiness, bind mounts); vm.swappiness is always put back.
 */
class ActionKillIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String REQUESTER = "U0ONCALL";
    static final String SECRET = "kill-signing-secret";
    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");
    static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));

    @TempDir
    Path dir;

    @Test
    void killedDuringTheCommandTheActionIsUnknownAndItsRollbackRestoresTheCapturedValue() throws Exception {
        LiveTests.requireOrSkip(TestDatabases.postgresUrl() != null, "the test and the bot share PostgreSQL");
        LiveTests.requireOrSkip(LiveTests.isRoot(), "changes vm.swappiness and bind-mounts a gated tee: needs root");
        TestSshd.assumeAvailable();
        String original = swappiness();
        GatedTee gated = GatedTee.create(dir.resolve("gated"));
        try (TestSshd sshd = TestSshd.builder().extraConfig(gated.forceCommand()).start();
                FakeSlackApi slack = new FakeSlackApi();
                TestDatabases.TestDatabase pg = TestDatabases.create("postgresql");
                Database db = Database.open(pg.settings())) {
            Files.writeString(SWAPPINESS, "60\n");
            Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
            Files.writeString(runbooks.resolve("memory.yaml"), TestRunbooks.yaml("tee", 1));
            Path config = dir.resolve("triagebot.yaml");
            Files.writeString(config, "runbooks: " + runbooks + "\n");
            Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
            Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-kill",
                    "SLACK_SIGNING_SECRET", SECRET, "SLACK_API_URL", slack.baseUrl(),
                    "TRIAGEBOT_DB_URL", pg.settings().url(), "TRIAGEBOT_DB_USER", pg.settings().user(),
                    "TRIAGEBOT_DB_PASSWORD", "", "TRIAGEBOT_CONFIG", config.toString(),
                    "TRIAGEBOT_DATA_DIR", dir.resolve("data").toString()));
            IncidentStore incidents = new IncidentStore(db);
            ActionStore actions = new ActionStore(db);
            RunbookCatalog catalog = RunbookCatalogLoader.load(runbooks);
            ActionRecord action;
            try (BotProcess bot = BotProcess.start(PROJECT, "bot", sshConfig, env, dir)) {
                bot.awaitReady(Duration.ofSeconds(60));
                IncidentId id = triage(bot);
                await(() -> has(incidents, id, EventType.FINDINGS) || has(incidents, id, EventType.TRIAGE_FAILED), 60,
                        "the triage");
                Incident incident = incidents.find(id).orElseThrow();
                action = proposer(db, incidents, catalog).propose(incident,
                        TestRunbooks.report(Map.of("value", "10")), null).get(0);
                await(() -> slack.calls("chat.postMessage").stream()
                        .anyMatch(m -> m.getOrDefault("blocks", "").contains(action.token())), 30, "the card");

                gated.arm();
                bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, "U0SECOND", SlackActionPresenter.APPROVE,
                        action.token()));
                await(gated::blocked, 30, "the command step running (tee held at the gate)");
                ActionRecord running = actions.find(action.id()).orElseThrow();
                assertEquals(ActionState.EXECUTING, running.state());
                assertEquals("60", running.previousValue().strip(), "stored before the command started");
                assertEquals("command", running.step());
                bot.kill();
            }
            // The host side goes on once the gate opens; whatever it did, the rollback must undo it.
            gated.release();
            await(gated::finished, 10, "the held tee finished");
            gated.disarm();

            try (BotProcess bot = BotProcess.start(PROJECT, "bot", sshConfig, env, dir)) {
                bot.awaitReady(Duration.ofSeconds(60));
                await(() -> state(actions, action.id()) == ActionState.UNKNOWN, 30, "marked UNKNOWN at start");
                await(() -> replies(slack).stream().anyMatch(b -> b.contains("outcome unknown")), 30,
                        "the thread says so");
                String message = replies(slack).stream().filter(b -> b.contains("outcome unknown")).findFirst()
                        .orElseThrow();
                assertTrue(message.contains("may or may not have taken effect"), message);
                assertTrue(message.contains("`60`"), "the stored previous value: " + message);
                assertTrue(message.contains(SlackActionPresenter.ROLLBACK), "a Roll back button: " + message);
                assertEquals(1, count(incidents, action.incident(), EventType.ACTION_INTERRUPTED));

                bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, "U0THIRD", SlackActionPresenter.ROLLBACK,
                        action.token()));
                await(() -> rollbackToken(slack) != null, 30, "a rollback card");
                bot.requests().send(SignedSlackRequests.buttonClick(CHANNEL, "U0SECOND", SlackActionPresenter.APPROVE,
                        rollbackToken(slack)));
                await(() -> count(incidents, action.incident(), EventType.ACTION_ROLLED_BACK) == 1, 30,
                        "rolled back:\n" + bot.log());
                assertEquals("60", swappiness(), "the rollback restored the value captured before the kill");
                assertEquals(ActionState.ROLLED_BACK, state(actions, action.id()));
            }
        } finally {
            gated.disarm();
            gated.release();
            Files.writeString(SWAPPINESS, original + "\n");
        }
    }

    private static String rollbackToken(FakeSlackApi slack) {
        for (Map<String, String> m : slack.calls("chat.postMessage")) {
            String blocks = SlackBlocks.readable(m.getOrDefault("blocks", ""));
            if (blocks.contains("Roll back: ") && blocks.contains(SlackActionPresenter.APPROVE)) {
                Matcher t = Pattern.compile("\"value\":\"([0-9a-f]{32})\"").matcher(blocks);
                return t.find() ? t.group(1) : null;
            }
        }
        return null;
    }

    private static List<String> replies(FakeSlackApi slack) {
        return slack.calls("chat.postMessage").stream().filter(m -> m.containsKey("thread_ts"))
                .map(m -> SlackBlocks.readable(m.getOrDefault("blocks", ""))).toList();
    }

    private static ActionState state(ActionStore actions, long id) {
        try {
            return actions.find(id).orElseThrow().state();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static IncidentId triage(BotProcess bot) throws Exception {
        String ack = bot.requests().send(SignedSlackRequests.slashCommand(CHANNEL, REQUESTER, "db-3")).body();
        Matcher m = Pattern.compile("INC-\\d+").matcher(ack);
        assertTrue(m.find(), ack);
        return IncidentId.parse(m.group()).orElseThrow();
    }

    /** Proposes as the bot's triage would, into the same database, with the same catalog. */
    private static ApprovalService proposer(Database db, IncidentStore incidents, RunbookCatalog catalog) {
        return new ApprovalService(new ActionStore(db), incidents, catalog,
                new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()), new ActionExecutor(Duration.ofSeconds(5)),
                host -> {
                    throw new AssertionError("the bot runs actions, not the test");
                }, new SlackActionPresenter(), ApprovalService.Observer.NONE, Clock.systemUTC(), Duration.ofMinutes(15));
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

    private static String swappiness() throws Exception {
        return LiveTests.readKernelFile(SWAPPINESS).strip();
    }
}
