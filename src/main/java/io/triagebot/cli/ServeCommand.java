package io.triagebot.cli;

import io.triagebot.config.BotConfig;
import io.triagebot.config.BotConfigLoader;
import io.triagebot.config.ConfigException;
import io.triagebot.ops.BuildInfo;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.RunLimits;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.RunbookCatalogException;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.slack.SlackBot;
import io.triagebot.store.Database;
import io.triagebot.store.StoreException;
import io.triagebot.triage.TriageService;
import io.triagebot.triage.TriageSetup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code triagebot serve}: the Slack bot. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the Slack bot: /triage HOST answered in a thread, severity first.",
            "Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on TRIAGEBOT_HTTP_PORT (default 3000) at "
                    + "/slack/events, verified with SLACK_SIGNING_SECRET. SLACK_BOT_TOKEN is always required; "
                    + "SLACK_API_URL overrides the Web API base. /healthz, /readyz and /metrics on TRIAGEBOT_OPS_PORT "
                    + "(default 9090)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:internal error", "4:configuration error"})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: $TRIAGEBOT_CONFIG; see config/triagebot.example.yaml)")
    Path config;

    @Option(names = {"-F", "--ssh-config"}, paramLabel = "PATH",
            description = "OpenSSH client config for reaching hosts (-F as in ssh)")
    Path sshConfig;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where state lives (default: $TRIAGEBOT_DATA_DIR, else ~/.local/share/triagebot)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        // First, so that every log of a run, even one that fails to start, says which build wrote it.
        LOG.info("triagebot {} starting", BuildInfo.current().describe());
        PrintWriter err = spec.commandLine().getErr();
        Path file = config != null ? config
                : System.getenv("TRIAGEBOT_CONFIG") == null ? null : Path.of(System.getenv("TRIAGEBOT_CONFIG"));
        BotConfig bot;
        TriageService service;
        RunbookCatalog runbooks;
        try {
            bot = BotConfigLoader.load(file, System.getenv(), sshConfig, dataDir);
            Files.createDirectories(bot.dataDir());
            service = TriageSetup.build(bot.commands(), bot.thresholds(), bot.sshConfig(), true,
                    new CollectorSettings(bot.window(), bot.deadline(), RunLimits.DEFAULT_MAX_OUTPUT_BYTES));
            runbooks = bot.runbooks() == null ? RunbookCatalogLoader.loadBuiltIn() : RunbookCatalogLoader.load(bot.runbooks());
        } catch (ConfigException | TriageSetup.SetupException | RunbookCatalogException | java.io.IOException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Database database;
        try {
            database = Database.open(bot.database());
        } catch (StoreException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        SlackBot slack;
        try {
            slack = new SlackBot(bot, service, service::runnerFor, runbooks, database, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            // Bolt checks the token with auth.test as the app is built and says so this way.
            err.println("triagebot: cannot verify SLACK_BOT_TOKEN with Slack (auth.test at "
                    + bot.slackApiUrl() + "): " + e.getMessage());
            database.close();
            return ExitCodes.CONFIG;
        }
        CountDownLatch closed = new CountDownLatch(1);
        // The JVM halts once its shutdown hooks return, so the orderly stop happens inside the hook:
        // no new requests, running triages finish and are recorded, the outbox flushes, then the database.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                slack.close();
            } catch (Exception e) {
                err.println("triagebot: error while stopping: " + e);
            } finally {
                database.close();
                err.println("triagebot: stopped");
                err.flush();
                closed.countDown();
            }
        }, "shutdown"));
        try {
            slack.start();
        } catch (IllegalArgumentException e) {
            // Bolt checks the token with auth.test at start-up and says so this way.
            err.println("triagebot: Slack refused the bot token: " + e.getMessage());
            return ExitCodes.CONFIG;
        } catch (StoreException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        err.println("triagebot: serving (" + bot.describe() + ")");
        err.flush();
        closed.await();
        return ExitCodes.OK;
    }
}
