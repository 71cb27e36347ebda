package io.triagebot.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's Prometheus metrics. Each instance has a registry of its own rather than the client's default
 * one, so several bots (and tests) in one JVM never see each other's counts.
 *
 * <p>Every label value comes from a fixed set; anything else is counted as {@value #OTHER}. Callers may pass
 * strings that came from users or hosts without letting them mint new time series.
 */
public final class BotMetrics {

    /** The content type of {@link #writeTo}'s output: {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** The label value anything outside a label's fixed set is counted under. */
    public static final String OTHER = "other";

    /** {@code triagebot_triages_total} outcomes. */
    public static final Set<String> TRIAGE_OUTCOMES = Set.of("reported", "failed", "interrupted");
    /** {@code triagebot_triages_total} severities: the report's highest, or {@code none} when there is none. */
    public static final Set<String> SEVERITIES = Set.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "none");
    /** {@code triagebot_ssh_failures_total} kinds: the names of {@code TargetException.Kind}. */
    public static final Set<String> SSH_FAILURE_KINDS = Set.of("UNKNOWN_HOST", "CONNECTION_REFUSED",
            "CONNECT_TIMEOUT", "AUTH_FAILED", "HOST_KEY_UNKNOWN", "HOST_KEY_CHANGED", "CONFIG", "TRANSPORT");
    /** {@code triagebot_actions_total} outcomes along an action's life. */
    public static final Set<String> ACTION_OUTCOMES = Set.of("proposed", "approved", "refused", "rejected",
            "expired", "executed", "failed", "verified", "not_improved", "rolled_back");
    /** {@code triagebot_slack_api_*} methods: the Web API methods the bot calls. */
    public static final Set<String> SLACK_API_METHODS = Set.of("auth.test", "chat.postMessage", "chat.postEphemeral",
            "chat.update", "chat.delete", "conversations.replies", "conversations.history", "usergroups.users.list",
            "files.getUploadURLExternal", "files.completeUploadExternal", "views.open", "views.update",
            "apps.connections.open");
    /**
     * {@code triagebot_slack_api_calls_total} results: {@code ok}, the Slack error codes worth an alert or a
     * dashboard line, and transport outcomes.
     */
    public static final Set<String> SLACK_API_RESULTS = Set.of("ok", "ratelimited", "invalid_auth", "token_revoked",
            "account_inactive", "not_authed", "missing_scope", "invalid_blocks", "msg_too_long", "channel_not_found",
            "not_in_channel", "is_archived", "message_not_found", "internal_error", "fatal_error", "service_unavailable",
            "request_timeout", "http_4xx", "http_5xx", "network_error", "unknown_error");
    /** {@code triagebot_slack_requests_total} kinds. */
    public static final Set<String> SLACK_REQUEST_KINDS = Set.of("slash_command", "block_action");

    /** Web API calls take tens of milliseconds; the client gives up at 15 s. */
    static final double[] SLACK_API_SECONDS_BUCKETS = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15};

    /** Triages take from half a second (a refused connection) to a minute (a slow host, a long sample). */
    static final double[] TRIAGE_SECONDS_BUCKETS = {0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60};

    private static final Logger LOG = LoggerFactory.getLogger(BotMetrics.class);

    /** How many outbox messages wait for Slack. May throw: the store behind it can be down. */
    @FunctionalInterface
    public interface Depth {
        long read() throws Exception;
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter triages;
    private final Histogram triageDuration;
    private final Counter sshFailures;
    private final Counter actions;
    private final Counter slackRequests;
    private final Counter slackApiCalls;
    private final Histogram slackApiDuration;

    /** How old the oldest message Slack has not accepted is, in seconds (0 when none waits). May throw. */
    @FunctionalInterface
    public interface Age {
        double seconds() throws Exception;
    }

    /**
     * For parts that deliver nothing (tests, tools): no message ever waits and the token counts as working.
     *
     * @param outboxDepth read at every scrape for {@code triagebot_outbox_depth}; should answer quickly
     */
    public BotMetrics(Depth outboxDepth) {
        this(outboxDepth, () -> 0, () -> true, BuildInfo.current());
    }

    /**
     * @param outboxDepth read at every scrape for {@code triagebot_outbox_depth}
     * @param oldestAge read at every scrape for {@code triagebot_outbox_oldest_age_seconds}
     * @param tokenOk read at every scrape for {@code triagebot_slack_token_ok}: false while Slack refuses the
     *     bot token
     */
    public BotMetrics(Depth outboxDepth, Age oldestAge, BooleanSupplier tokenOk) {
        this(outboxDepth, oldestAge, tokenOk, BuildInfo.current());
    }

    /** @param build what {@code triagebot_build_info} reports */
    BotMetrics(Depth outboxDepth, BuildInfo build) {
        this(outboxDepth, () -> 0, () -> true, build);
    }

    private BotMetrics(Depth outboxDepth, Age oldestAge, BooleanSupplier tokenOk, BuildInfo build) {
        Objects.requireNonNull(outboxDepth, "outboxDepth");
        Objects.requireNonNull(oldestAge, "oldestAge");
        Objects.requireNonNull(tokenOk, "tokenOk");
        Info.builder()
                .name("triagebot_build_info")
                .help("The running build: its version and git commit (unknown when built outside git); always 1")
                .labelNames("version", "commit")
                .register(registry)
                .setLabelValues(build.version(), build.commitLabel());
        triages = Counter.builder()
                .name("triagebot_triages_total")
                .help("Triages finished, by outcome and the report's highest severity")
                .labelNames("outcome", "severity")
                .withoutExemplars()
                .register(registry);
        triageDuration = Histogram.builder()
                .name("triagebot_triage_duration_seconds")
                .help("Time from a triage request to its outcome")
                .classicOnly()
                .classicUpperBounds(TRIAGE_SECONDS_BUCKETS)
                .withoutExemplars()
                .register(registry);
        sshFailures = Counter.builder()
                .name("triagebot_ssh_failures_total")
                .help("Targets that could not be triaged over SSH, by failure kind")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        actions = Counter.builder()
                .name("triagebot_actions_total")
                .help("Stabilisation actions, by the step of their life they reached")
                .labelNames("outcome")
                .withoutExemplars()
                .register(registry);
        slackRequests = Counter.builder()
                .name("triagebot_slack_requests_total")
                .help("Requests received from Slack, by kind")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        slackApiCalls = Counter.builder()
                .name("triagebot_slack_api_calls_total")
                .help("Calls to the Slack Web API, by method and result (ok, Slack's error code, or a transport failure)")
                .labelNames("method", "result")
                .withoutExemplars()
                .register(registry);
        slackApiDuration = Histogram.builder()
                .name("triagebot_slack_api_duration_seconds")
                .help("Time for Slack to answer a Web API call, by method, failures included")
                .labelNames("method")
                .classicOnly()
                .classicUpperBounds(SLACK_API_SECONDS_BUCKETS)
                .withoutExemplars()
                .register(registry);
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder()
                .name("triagebot_outbox_depth")
                .help("Messages waiting in the outbox for Slack to accept them (NaN when the store cannot say)")
                .callback(callback -> callback.call(read(outboxDepth::read)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("triagebot_outbox_oldest_age_seconds")
                .help("Seconds the oldest message Slack has not accepted has waited; 0 when none waits"
                        + " (NaN when the store cannot say)")
                .callback(callback -> callback.call(read(oldestAge::seconds)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("triagebot_slack_token_ok")
                .help("1 while Slack accepts the bot token, 0 while it refuses it (delivery is paused then)")
                .callback(callback -> callback.call(tokenOk.getAsBoolean() ? 1 : 0))
                .register(registry);

        // Known series start at zero, so rate() and absent() work before the first event of each kind.
        for (String outcome : TRIAGE_OUTCOMES) {
            for (String severity : SEVERITIES) {
                triages.labelValues(outcome, severity);
            }
        }
        SSH_FAILURE_KINDS.forEach(sshFailures::labelValues);
        ACTION_OUTCOMES.forEach(actions::labelValues);
        SLACK_REQUEST_KINDS.forEach(slackRequests::labelValues);
    }

    /**
     * One triage ended.
     *
     * @param outcome  {@code reported}, {@code failed} or {@code interrupted}
     * @param severity the report's highest severity ({@code CRITICAL} ... {@code LOW}), or {@code none}
     * @param took     from request to outcome; null when unknown (not observed then)
     */
    public void triageFinished(String outcome, String severity, Duration took) {
        triages.labelValues(bounded(outcome, TRIAGE_OUTCOMES), bounded(severity, SEVERITIES)).inc();
        if (took != null) {
            triageDuration.observe(Math.max(0, took.toNanos()) / 1e9);
        }
    }

    /** A target could not be triaged over SSH; {@code kind} is a {@code TargetException.Kind} name. */
    public void sshFailure(String kind) {
        sshFailures.labelValues(bounded(kind, SSH_FAILURE_KINDS)).inc();
    }

    /** A stabilisation action reached {@code outcome}, one of {@link #ACTION_OUTCOMES}. */
    public void action(String outcome) {
        actions.labelValues(bounded(outcome, ACTION_OUTCOMES)).inc();
    }

    /** Slack sent a request: {@code slash_command} or {@code block_action}. */
    public void slackRequest(String kind) {
        slackRequests.labelValues(bounded(kind, SLACK_REQUEST_KINDS)).inc();
    }

    /** One Slack Web API call ended: {@code method} as in the URL, {@code result} as {@link #SLACK_API_RESULTS}. */
    public void slackApiCall(String method, String result, Duration took) {
        String m = SLACK_API_METHODS.contains(method) ? method : OTHER;
        slackApiCalls.labelValues(m, SLACK_API_RESULTS.contains(result) ? result : OTHER).inc();
        slackApiDuration.labelValues(m).observe(Math.max(0, took.toNanos()) / 1e9);
    }

    /** Writes every metric in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** The text exposition, as {@link #writeTo} writes it. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Matches case-insensitively so {@code Severity.HIGH.name()} and {@code "high"} count alike, and returns
     * the set's own spelling so one value never splits into two series.
     */
    static String bounded(String value, Set<String> allowed) {
        if (value == null) {
            return OTHER;
        }
        String trimmed = value.strip();
        if (allowed.contains(trimmed)) {
            return trimmed;
        }
        String upper = trimmed.toUpperCase(Locale.ROOT);
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (allowed.contains(upper)) {
            return upper;
        }
        return allowed.contains(lower) ? lower : OTHER;
    }

    /** A reading that may fail. */
    @FunctionalInterface
    private interface Gauge {
        double read() throws Exception;
    }

    /** A broken store must not break the scrape: the other metrics still matter most when it is down. */
    private static double read(Gauge gauge) {
        try {
            return gauge.read();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (Exception e) {
            LOG.debug("outbox depth unavailable for the metrics scrape", e);
            return Double.NaN;
        }
    }
}
