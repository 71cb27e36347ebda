package io.triagebot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.jakarta_servlet.SlackAppServlet;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.util.http.SlackHttpClient;
import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionLeases;
import io.triagebot.approval.ActionStore;
import io.triagebot.approval.ApprovalPolicy;
import io.triagebot.approval.ApprovalService;
import io.triagebot.approval.VerificationService;
import io.triagebot.config.BotConfig;
import io.triagebot.deep.DeepCatalogLoader;
import io.triagebot.deep.DeepDive;
import io.triagebot.deep.JdbcDeepProbeLocks;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentService;
import io.triagebot.incident.IncidentStore;
import io.triagebot.ops.BotMetrics;
import io.triagebot.ops.OpsServer;
import io.triagebot.ops.Readiness;
import io.triagebot.runbook.Privilege;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.schedule.ActionExpiryJob;
import io.triagebot.schedule.ActionVerificationJob;
import io.triagebot.schedule.OutboxRetryJob;
import io.triagebot.schedule.Scheduling;
import io.triagebot.slack.intake.BoundedBody;
import io.triagebot.slack.intake.BoundedJetty;
import io.triagebot.slack.intake.ReplayLedger;
import io.triagebot.slack.intake.SlackIntakeFilter;
import io.triagebot.slack.intake.SlackSignature;
import io.triagebot.slack.intake.SocketModeIntake;
import io.triagebot.ssh.SshConfigException;
import io.triagebot.ssh.SshConfigFile;
import io.triagebot.store.Database;
import io.triagebot.store.StoreException;
import io.triagebot.triage.Triage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack adapter: a Bolt app answering {@code /triage}, served over HTTP (every request verified with
 * the signing secret) or over Socket Mode (no public URL needed). Every triage is an incident whose
 * events are stored, then delivered to Slack by the outbox.
 */
public final class SlackBot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlackBot.class);

    /** Where Slack sends slash commands and interactions in HTTP mode. */
    public static final String EVENTS_PATH = "/slack/events";

    /** How often the outbox is swept for retries and leftovers. */
    static final Duration OUTBOX_SWEEP = Duration.ofSeconds(5);
    /** The longest one Slack Web API call may take; claims on outbox messages are sized from it. */
    static final Duration SLACK_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** How often expired proposals and due verifications are looked for. */
    static final Duration ACTION_SWEEP = Duration.ofSeconds(5);
    /** Each step of an action on a host (precondition, capture, command) is bounded by this. */
    static final Duration ACTION_STEP_TIMEOUT = Duration.ofSeconds(30);
    /** On stop, how long a running action may take to end and be recorded: its longest step, plus room. */
    public static final Duration STOP_ACTIONS = ACTION_STEP_TIMEOUT.plusSeconds(5);
    /** On stop, the last round of Slack deliveries. The chart's terminationGracePeriodSeconds covers both. */
    public static final Duration FINAL_DELIVERY = Duration.ofSeconds(10);

    private final BotConfig config;
    private final Database database;
    private final App app;
    private final IncidentService incidents;
    private final OutboxDeliverer outbox;
    private final TriageDispatcher dispatcher;
    private final SlackPoster poster;
    private final ApprovalService approvals;
    private final VerificationService verification;
    private final ActionClicks clicks;
    private final DeepDiveClicks deepClicks;
    private final BotMetrics metrics;
    private final Readiness readiness;
    private final Clock clock;
    private final ReplayLedger ledger;
    private Scheduling scheduling;
    private Server http;
    private OpsServer ops;
    private SocketModeApp socketMode;

    /**
     * @param triage how hosts are triaged (for /triage and for verifying actions)
     * @param runners how approved actions reach their host: the same way the triage does
     * @param runbooks the actions that may be proposed
     */
    public SlackBot(BotConfig config, Triage triage, ApprovalService.Runners runners, RunbookCatalog runbooks,
            Database database, Clock clock) {
        this.config = config;
        this.database = database;
        this.clock = clock;
        this.ledger = new ReplayLedger(database, clock);
        IncidentStore store = new IncidentStore(database);
        // Metrics first: the Slack client reports every call to them.
        this.metrics = new BotMetrics(store::pendingCount,
                () -> store.oldestPendingAge(clock.instant()).toMillis() / 1000.0, this::tokenOk);
        Slack slack = slackClient(config.slackApiUrl(), metrics);
        this.app = new App(AppConfig.builder()
                .singleTeamBotToken(config.slackBotToken())
                .signingSecret(config.slackSigningSecret())
                .slack(slack)
                .build());
        // Quick retries here; the outbox retries for as long as it takes after that.
        this.poster = new SlackPoster(slack.methods(config.slackBotToken()),
                new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(30),
                        SLACK_CALL_TIMEOUT));
        this.outbox = new OutboxDeliverer(store, poster, replicaName(), clock);
        this.readiness = Readiness.builder()
                .part(Readiness.DATABASE, database::healthy)
                .part(Readiness.SCHEDULER, () -> scheduling != null && scheduling.healthy())
                // HTTP mode: Bolt verified the token at start and Slack calls in; Socket Mode: the socket is up.
                .part(Readiness.SLACK, () -> socketMode == null ? http != null && http.isStarted()
                        : socketMode.getClient().verifyConnection())
                // A refused token pauses delivery (nothing is lost); this says so until it works again.
                .part(Readiness.SLACK_TOKEN, outbox::tokenOk)
                .build();
        DeepDiveOffers offers = new DeepDiveOffers(builtInDeepCatalog());
        this.incidents = new IncidentService(store, new SlackIncidentPresenter(clock, offers), clock,
                config.recallSharedChannels());
        AccessPolicy access = new AccessPolicy(config.allowedChannels(), config.allowedUsers());
        BotConfig.Approval approval = config.approval();
        // With no approvers named, the people allowed to triage (everyone, by default) may approve.
        Set<String> approvers = approval.approvers().isEmpty() && approval.approverGroups().isEmpty()
                ? config.allowedUsers() : approval.approvers();
        ApprovalPolicy policy = new ApprovalPolicy(approvers, approval.approverGroups(), approval.allowSelfApproval(),
                new SlackUserGroups(slack.methods(config.slackBotToken()), clock));
        SlackActionPresenter actionPresenter = new SlackActionPresenter();
        ActionStore actionStore = new ActionStore(database);
        ActionExecutor executor = new ActionExecutor(ACTION_STEP_TIMEOUT,
                approval.sudo() ? Privilege.SUDO : Privilege.AS_IS);
        this.approvals = new ApprovalService(actionStore, store, runbooks, policy, executor, runners, actionPresenter,
                metrics::action, clock, approval.ttl(), new ActionLeases(actionStore, replicaName(), clock));
        this.verification = new VerificationService(actionStore, store, approvals, runbooks, triage, actionPresenter,
                metrics::action, clock);
        this.dispatcher = new TriageDispatcher(triage, incidents, approvals, outbox, metrics, config.concurrency(),
                config.queueCapacity(), new FailureDisclosure(config.hosts().detailedFailures()));
        this.clicks = new ActionClicks(approvals, incidents, outbox, poster, actionPresenter, access);
        IncidentActions actions = new IncidentActions(incidents, outbox, access);
        TriageSlashCommand command = new TriageSlashCommand(dispatcher, actions, incidents, outbox, access,
                HostAllowList.of(config.hosts(), sshConfigNames(config)), config.maxHostsPerCommand());
        app.use(new SlackUserLogContext());
        app.command("/triage", (req, ctx) -> {
            metrics.slackRequest("slash_command");
            return command.apply(req, ctx);
        });
        app.blockAction(AnchorMessages.TIMELINE_ACTION, (req, ctx) -> button(req.getPayload(), actions::timeline, ctx));
        app.blockAction(AnchorMessages.RESOLVE_ACTION, (req, ctx) -> button(req.getPayload(),
                (id, channel, user) -> actions.resolve(id, channel, user, null), ctx));
        onClick(SlackActionPresenter.APPROVE, ActionClicks.Kind.APPROVE);
        onClick(SlackActionPresenter.DRY_RUN, ActionClicks.Kind.DRY_RUN);
        onClick(SlackActionPresenter.REJECT, ActionClicks.Kind.REJECT);
        onClick(SlackActionPresenter.ROLLBACK, ActionClicks.Kind.ROLLBACK);
        // Deep dives reach hosts exactly as triage does; claims and cooldowns are shared through the database.
        this.deepClicks = new DeepDiveClicks(new DeepDive(offers.catalog(), runners::runnerFor,
                new JdbcDeepProbeLocks(database), clock, DeepDive.Settings.defaults()), offers, incidents, outbox, poster,
                new SlackFileUploads(slack.methods(config.slackBotToken()), poster.policy()), access, clock);
        app.blockAction(DeepDiveOffers.ACTION_IDS, (req, ctx) -> {
            metrics.slackRequest("block_action");
            deepClicks.accept(req.getPayload());
            return ctx.ack();
        });
    }

    /** The deep probes shipped in the jar: their failing to load is a broken build, not a configuration. */
    private static io.triagebot.deep.DeepCatalog builtInDeepCatalog() {
        try {
            return DeepCatalogLoader.loadBuiltIn();
        } catch (io.triagebot.deep.DeepCatalogException e) {
            throw new IllegalStateException("the built-in deep probe catalog does not load: " + e.getMessage(), e);
        }
    }

    private void onClick(String actionId, ActionClicks.Kind kind) {
        app.blockAction(actionId, (req, ctx) -> {
            metrics.slackRequest("block_action");
            clicks.accept(kind, req.getPayload());
            return ctx.ack();
        });
    }

    /** Starts serving; returns once Slack can reach the bot. */
    public void start() throws Exception {
        scheduling = Scheduling.start(database.settings(), replicaName(), Map.of(
                OutboxRetryJob.class, () -> new OutboxRetryJob(outbox::deliverDue),
                ActionExpiryJob.class, () -> new ActionExpiryJob(() -> {
                    guarded("expiry", approvals::expireDue);
                    // Another replica that died mid-action: its lease lapses, and whichever replica sweeps says so.
                    guarded("interrupted actions", () -> approvals.recoverInterrupted(owner -> false));
                }),
                ActionVerificationJob.class, () -> new ActionVerificationJob(
                        () -> guarded("verification", verification::verifyDue))));
        scheduling.repeat(OutboxRetryJob.NAME, OutboxRetryJob.class, OUTBOX_SWEEP);
        scheduling.repeat(ActionExpiryJob.NAME, ActionExpiryJob.class, ACTION_SWEEP);
        scheduling.repeat(ActionVerificationJob.NAME, ActionVerificationJob.class, ACTION_SWEEP);
        markInterruptedTriages();
        guarded("interrupted actions", () -> approvals.recoverInterrupted(SlackBot::previousRunOfThisProcess));
        outbox.kick();
        if (config.socketMode()) {
            // Size bound and envelope dedupe before Bolt parses a message.
            socketMode = new SocketModeApp(SocketModeIntake.clients(app, config.slackAppToken(), ledger, clock,
                    BoundedBody.MAX_BYTES), app);
            socketMode.startAsync();
        } else {
            http = BoundedJetty.create(config.httpPort());
            ServletContextHandler handler = new ServletContextHandler();
            handler.setMaxFormContentSize(BoundedBody.MAX_BYTES);
            // Size, signature, timestamp and replay are settled before Bolt reads a byte.
            handler.addFilter(new FilterHolder(new SlackIntakeFilter(new SlackSignature(config.slackSigningSecret()),
                    ledger, clock, BoundedBody.MAX_BYTES)), EVENTS_PATH, EnumSet.of(DispatcherType.REQUEST));
            handler.addServlet(new ServletHolder(new SlackAppServlet(app)), EVENTS_PATH);
            http.setHandler(handler);
            app.start();
            http.start();
        }
        // Health and metrics never share Slack's public port: an Ingress for Slack's URL exposes nothing else.
        ops = new OpsServer(config.opsPort(), readiness, metrics).start();
        LOG.info("triagebot serving: {}", config.describe());
    }

    /** The port Slack's requests arrive on, as bound (useful with port 0); -1 in Socket Mode or before start. */
    public int httpPort() {
        return http == null ? -1 : ((ServerConnector) http.getConnectors()[0]).getLocalPort();
    }

    /** The port of health, readiness and metrics, as bound; -1 before start. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Whether Slack accepts the bot token, as the outbox last found (true before it first tried). */
    private boolean tokenOk() {
        return outbox == null || outbox.tokenOk();
    }

    /** The Web API client: Slack's own OkHttp setup, with every call timed and counted by method. */
    private static Slack slackClient(String apiUrl, BotMetrics metrics) {
        SlackConfig slackConfig = new SlackConfig();
        slackConfig.setMethodsEndpointUrlPrefix(apiUrl);
        slackConfig.setHttpClientReadTimeoutMillis(15_000);
        slackConfig.setHttpClientWriteTimeoutMillis(15_000);
        slackConfig.setHttpClientCallTimeoutMillis((int) SLACK_CALL_TIMEOUT.toMillis());
        OkHttpClient observed = SlackHttpClient.buildOkHttpClient(slackConfig).newBuilder()
                .addInterceptor(new SlackApiObserver(metrics))
                .build();
        SlackHttpClient http = new SlackHttpClient(observed);
        http.setConfig(slackConfig);
        return Slack.getInstance(slackConfig, http);
    }

    public BotMetrics metrics() {
        return metrics;
    }

    public IncidentService incidents() {
        return incidents;
    }

    public OutboxDeliverer outbox() {
        return outbox;
    }

    public ApprovalService approvals() {
        return approvals;
    }

    public VerificationService verification() {
        return verification;
    }

    /** A scheduled sweep; a failure is logged and the next sweep tries again. */
    @FunctionalInterface
    private interface Sweep {
        Object run() throws StoreException;
    }

    private void guarded(String what, Sweep sweep) {
        try {
            sweep.run();
        } catch (StoreException | RuntimeException e) {
            LOG.error("{} sweep failed: {}", what, e.toString());
        }
        outbox.kick();
    }

    /** Ready to serve: database, scheduler and the Slack connection all answer (what /readyz says). */
    public boolean ready() {
        return readiness.check().ready();
    }

    /**
     * Stops taking requests, lets running triages finish and record their outcome, delivers what it can,
     * then stops the scheduler. Nothing half-written: every event is one transaction.
     */
    @Override
    public void close() throws Exception {
        if (http != null) {
            http.stop();
        }
        if (socketMode != null) {
            socketMode.close();
        }
        // Triages and actions wind down side by side: the longest wait is one action step (no command starts
        // once stopping, and a running one is recorded as soon as it ends) or one triage, whichever is longer.
        approvals.stopping();
        Thread triages = new Thread(() -> {
            try {
                dispatcher.shutdown(config.deadline().toSeconds() + 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-triages");
        triages.start();
        clicks.shutdown(STOP_ACTIONS.toSeconds());
        triages.join();
        // A deep probe only reads: it is not waited for; its host's claim lapses with its lease.
        deepClicks.close();
        // Jobs (a verification's re-triage) finish before the last delivery round, so their news goes out too.
        if (scheduling != null) {
            scheduling.close();
        }
        outbox.flush(FINAL_DELIVERY);
        outbox.close();
        approvals.close();
        if (ops != null) {
            ops.close();
        }
        readiness.close();
        app.stop();
    }

    /** A triage cut short by a stop never records an outcome: say so in its thread. */
    private void markInterruptedTriages() {
        Instant cutoff = clock.instant().minus(config.deadline()).minusSeconds(60);
        try {
            for (Incident i : incidents.store().awaitingTriage()) {
                if (i.openedAt().isBefore(cutoff)) {
                    incidents.recordInterrupted(i.id());
                }
            }
        } catch (StoreException e) {
            LOG.error("cannot check for interrupted triages: {}", e.getMessage());
        }
    }

    /** An anchor button: the incident it names, the channel it was clicked in, who clicked; returns the answer. */
    @FunctionalInterface
    private interface AnchorButton {
        String apply(IncidentId id, String channel, String user);
    }

    private Response button(BlockActionPayload payload, AnchorButton action, ActionContext ctx) {
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        Optional<IncidentId> id = payload.getActions() == null || payload.getActions().isEmpty() ? Optional.empty()
                : IncidentId.parse(payload.getActions().get(0).getValue());
        if (id.isPresent() && SlackIds.isId(user) && SlackIds.isId(channel)) {
            String answer = action.apply(id.get(), channel, user);
            try {
                poster.ephemeral(channel, user, answer);
            } catch (SlackDeliveryException e) {
                LOG.warn("cannot answer {} in {}: {}", user, channel, e.getMessage());
            }
        }
        return ctx.ack();
    }

    /**
     * Whether {@code owner} (an action's) was a previous run of this process: the same host name and either
     * our own pid (a restarted container's process has the same one; two live processes never do) or a pid
     * no longer running on this machine. Any other owner is judged by its lease alone.
     */
    static boolean previousRunOfThisProcess(String owner) {
        String self = replicaName();
        if (owner.equals(self)) {
            return true;
        }
        String host = self.substring(0, self.lastIndexOf('-') + 1);
        if (!owner.startsWith(host)) {
            return false;
        }
        String pid = owner.substring(host.length());
        return pid.matches("[0-9]{1,10}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty();
    }

    /** The SSH config's own hosts; its syntax was checked when the triage was set up from the same file. */
    private static Predicate<String> sshConfigNames(BotConfig config) {
        try {
            SshConfigFile ssh = config.sshConfig() == null ? SshConfigFile.loadDefault()
                    : SshConfigFile.load(config.sshConfig());
            return ssh::namesHost;
        } catch (SshConfigException e) {
            throw new IllegalStateException("cannot read the SSH config: " + e.getMessage(), e);
        }
    }

    private static String replicaName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid();
    }
}
