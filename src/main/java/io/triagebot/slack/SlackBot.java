package io.triagebot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.servlet.SlackAppServlet;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionStore;
import io.triagebot.approval.ApprovalPolicy;
import io.triagebot.approval.ApprovalService;
import io.triagebot.approval.VerificationService;
import io.triagebot.config.BotConfig;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentService;
import io.triagebot.incident.IncidentStore;
import io.triagebot.ops.BotMetrics;
import io.triagebot.ops.OpsEndpoints;
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
import java.util.function.BiFunction;
import java.util.function.Predicate;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
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
    /** How often expired proposals and due verifications are looked for. */
    static final Duration ACTION_SWEEP = Duration.ofSeconds(5);
    /** Each step of an action on a host (precondition, capture, command) is bounded by this. */
    static final Duration ACTION_STEP_TIMEOUT = Duration.ofSeconds(30);

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
        SlackConfig slackConfig = new SlackConfig();
        slackConfig.setMethodsEndpointUrlPrefix(config.slackApiUrl());
        slackConfig.setHttpClientReadTimeoutMillis(15_000);
        slackConfig.setHttpClientWriteTimeoutMillis(15_000);
        slackConfig.setHttpClientCallTimeoutMillis(30_000);
        Slack slack = Slack.getInstance(slackConfig);
        this.app = new App(AppConfig.builder()
                .singleTeamBotToken(config.slackBotToken())
                .signingSecret(config.slackSigningSecret())
                .slack(slack)
                .build());
        // Quick retries here; the outbox retries for as long as it takes after that.
        this.poster = new SlackPoster(slack.methods(config.slackBotToken()),
                new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(30)));
        IncidentStore store = new IncidentStore(database);
        this.metrics = new BotMetrics(store::pendingCount);
        this.readiness = Readiness.builder()
                .part(Readiness.DATABASE, database::healthy)
                .part(Readiness.SCHEDULER, () -> scheduling != null && scheduling.healthy())
                // HTTP mode: Bolt verified the token at start and Slack calls in; Socket Mode: the socket is up.
                .part(Readiness.SLACK, () -> socketMode == null ? http != null && http.isStarted()
                        : socketMode.getClient().verifyConnection())
                .build();
        this.incidents = new IncidentService(store, new SlackIncidentPresenter(clock), clock);
        this.outbox = new OutboxDeliverer(store, poster, replicaName(), clock);
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
                metrics::action, clock, approval.ttl());
        this.verification = new VerificationService(actionStore, store, approvals, runbooks, triage, actionPresenter,
                metrics::action, clock);
        this.dispatcher = new TriageDispatcher(triage, incidents, approvals, outbox, metrics, config.concurrency(),
                config.queueCapacity(), new FailureDisclosure(config.hosts().detailedFailures()));
        this.clicks = new ActionClicks(approvals, incidents, outbox, poster, actionPresenter, access);
        IncidentActions actions = new IncidentActions(incidents, outbox, access);
        TriageSlashCommand command = new TriageSlashCommand(dispatcher, actions, incidents, outbox, access,
                HostAllowList.of(config.hosts(), sshConfigNames(config)), config.maxHostsPerCommand());
        app.command("/triage", (req, ctx) -> {
            metrics.slackRequest("slash_command");
            return command.apply(req, ctx);
        });
        app.blockAction(AnchorMessages.TIMELINE_ACTION, (req, ctx) -> button(req.getPayload(), actions::timeline, ctx));
        app.blockAction(AnchorMessages.RESOLVE_ACTION,
                (req, ctx) -> button(req.getPayload(), (id, user) -> actions.resolve(id, user, null), ctx));
        onClick(SlackActionPresenter.APPROVE, ActionClicks.Kind.APPROVE);
        onClick(SlackActionPresenter.DRY_RUN, ActionClicks.Kind.DRY_RUN);
        onClick(SlackActionPresenter.REJECT, ActionClicks.Kind.REJECT);
        onClick(SlackActionPresenter.ROLLBACK, ActionClicks.Kind.ROLLBACK);
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
                ActionExpiryJob.class, () -> new ActionExpiryJob(() -> guarded("expiry", approvals::expireDue)),
                ActionVerificationJob.class, () -> new ActionVerificationJob(
                        () -> guarded("verification", verification::verifyDue))));
        scheduling.repeat(OutboxRetryJob.NAME, OutboxRetryJob.class, OUTBOX_SWEEP);
        scheduling.repeat(ActionExpiryJob.NAME, ActionExpiryJob.class, ACTION_SWEEP);
        scheduling.repeat(ActionVerificationJob.NAME, ActionVerificationJob.class, ACTION_SWEEP);
        markInterruptedTriages();
        outbox.kick();
        if (config.socketMode()) {
            // Size bound and envelope dedupe before Bolt parses a message.
            socketMode = new SocketModeApp(SocketModeIntake.clients(app, config.slackAppToken(), ledger, clock,
                    BoundedBody.MAX_BYTES), app);
            socketMode.startAsync();
            // No Slack HTTP endpoint in Socket Mode: health and metrics get the port to themselves.
            ops = new OpsServer(config.httpPort(), readiness, metrics).start();
        } else {
            http = BoundedJetty.create(config.httpPort());
            ServletContextHandler handler = new ServletContextHandler();
            handler.setMaxFormContentSize(BoundedBody.MAX_BYTES);
            // Size, signature, timestamp and replay are settled before Bolt reads a byte.
            handler.addFilter(new FilterHolder(new SlackIntakeFilter(new SlackSignature(config.slackSigningSecret()),
                    ledger, clock, BoundedBody.MAX_BYTES)), EVENTS_PATH, EnumSet.of(DispatcherType.REQUEST));
            handler.addServlet(new ServletHolder(new SlackAppServlet(app)), EVENTS_PATH);
            OpsEndpoints.mount(handler, readiness, metrics);
            http.setHandler(handler);
            app.start();
            http.start();
        }
        LOG.info("triagebot serving: {}", config.describe());
    }

    /** The HTTP port actually bound (useful with port 0): Slack's endpoint, or health and metrics alone in Socket Mode. */
    public int httpPort() {
        if (ops != null) {
            return ops.port();
        }
        return http == null ? -1 : ((ServerConnector) http.getConnectors()[0]).getLocalPort();
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
        dispatcher.shutdown(config.deadline().toSeconds() + 5);
        clicks.shutdown(ACTION_STEP_TIMEOUT.toSeconds() * 4);
        // Jobs (a verification's re-triage) finish before the last delivery round, so their news goes out too.
        if (scheduling != null) {
            scheduling.close();
        }
        outbox.flush(Duration.ofSeconds(10));
        outbox.close();
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

    private Response button(BlockActionPayload payload, BiFunction<IncidentId, String, String> action,
            ActionContext ctx) {
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        Optional<IncidentId> id = payload.getActions() == null || payload.getActions().isEmpty() ? Optional.empty()
                : IncidentId.parse(payload.getActions().get(0).getValue());
        if (id.isPresent() && SlackIds.isId(user) && SlackIds.isId(channel)) {
            String answer = action.apply(id.get(), user);
            try {
                poster.ephemeral(channel, user, answer);
            } catch (SlackDeliveryException e) {
                LOG.warn("cannot answer {} in {}: {}", user, channel, e.getMessage());
            }
        }
        return ctx.ack();
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
