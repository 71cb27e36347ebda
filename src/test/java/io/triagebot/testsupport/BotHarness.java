package io.triagebot.testsupport;

import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.triage.Triage;
import java.util.function.Function;

import io.triagebot.config.BotConfig;
import io.triagebot.incident.EventType;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.RunLimits;
import io.triagebot.slack.SlackBot;
import io.triagebot.store.Database;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.store.StoreException;
import io.triagebot.triage.TriageService;
import io.triagebot.triage.TriageSetup;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A whole bot for end-to-end tests: the real Bolt app over HTTP on 127.0.0.1, its database, triaging over
 * SSH to a test sshd, talking to a fake Slack Web API.
 */
public final class BotHarness implements AutoCloseable {

    public static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    private final Database database;
    private final SlackBot bot;
    private final SignedSlackRequests requests;

    private BotHarness(Database database, SlackBot bot) {
        this.database = database;
        this.bot = bot;
        this.requests = new SignedSlackRequests(
                URI.create("http://127.0.0.1:" + bot.httpPort() + SlackBot.EVENTS_PATH), SECRET);
    }

    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir)
            throws Exception {
        return start(sshConfig, slack, db, dataDir, BotConfig.Approval.defaults(), service -> service);
    }

    /**
     * @param approval who may approve actions
     * @param triage the triage the bot uses, given the real one over SSH (a test may put a recorded host
     *     condition in front of it)
     */
    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir,
            BotConfig.Approval approval, Function<TriageService, Triage> triage) throws Exception {
        return start(sshConfig, slack, db, dataDir, approval, triage, Set.of(), BotConfig.Hosts.defaults());
    }

    /** @param recallShared channels whose incidents "seen before" may quote in one another */
    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir,
            BotConfig.Approval approval, Function<TriageService, Triage> triage, Set<String> recallShared)
            throws Exception {
        return start(sshConfig, slack, db, dataDir, approval, triage, recallShared, BotConfig.Hosts.defaults());
    }

    /** @param hosts which hosts /triage may reach, and how failures are told */
    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir,
            BotConfig.Hosts hosts) throws Exception {
        return start(sshConfig, slack, db, dataDir, BotConfig.Approval.defaults(), service -> service, Set.of(), hosts);
    }

    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir,
            BotConfig.Approval approval, Function<TriageService, Triage> triage, BotConfig.Hosts hosts)
            throws Exception {
        return start(sshConfig, slack, db, dataDir, approval, triage, Set.of(), hosts);
    }

    public static BotHarness start(Path sshConfig, FakeSlackApi slack, DatabaseSettings db, Path dataDir,
            BotConfig.Approval approval, Function<TriageService, Triage> triage, Set<String> recallShared,
            BotConfig.Hosts hosts) throws Exception {
        BotConfig config = new BotConfig("xoxb-test-token", null, SECRET, slack.baseUrl(), 0, 0, Set.of(), Set.of(),
                Duration.ofMillis(500), Duration.ofSeconds(10), 4, 100, 10, sshConfig, null, null, dataDir, db, null,
                approval, recallShared, hosts);
        TriageService service = TriageSetup.build(null, null, sshConfig, true,
                new CollectorSettings(config.window(), config.deadline(), RunLimits.DEFAULT_MAX_OUTPUT_BYTES));
        Database database = Database.open(db);
        SlackBot bot = new SlackBot(config, triage.apply(service), service::runnerFor,
                RunbookCatalogLoader.loadBuiltIn(), database, Clock.systemUTC());
        try {
            bot.start();
        } catch (Exception e) {
            bot.close();
            database.close();
            throw e;
        }
        return new BotHarness(database, bot);
    }

    public SignedSlackRequests requests() {
        return requests;
    }

    public SlackBot bot() {
        return bot;
    }

    public Database database() {
        return database;
    }

    /** How many events of {@code type} the incident's timeline holds. */
    public long count(IncidentId incident, EventType type) {
        try {
            return bot.incidents().store().timeline(incident).stream().map(TimelineEvent::type)
                    .filter(type::equals).count();
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            bot.close();
        } finally {
            database.close();
        }
    }

    /** Polls {@code condition} until it holds or {@code seconds} pass. */
    public static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + seconds + " s: " + what);
    }
}
