package io.triagebot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.servlet.SlackAppServlet;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import io.triagebot.config.BotConfig;
import io.triagebot.triage.TriageService;
import java.time.Clock;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack adapter: a Bolt app answering {@code /triage}, served over HTTP (every request verified with
 * the signing secret) or over Socket Mode (no public URL needed).
 */
public final class SlackBot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlackBot.class);

    /** Where Slack sends slash commands and interactions in HTTP mode. */
    public static final String EVENTS_PATH = "/slack/events";

    private final BotConfig config;
    private final App app;
    private final TriageDispatcher dispatcher;
    private Server http;
    private SocketModeApp socketMode;

    public SlackBot(BotConfig config, TriageService service, Clock clock) {
        this.config = config;
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
        SlackPoster poster = new SlackPoster(slack.methods(config.slackBotToken()), RetryPolicy.standard());
        this.dispatcher = new TriageDispatcher(service, poster, config.concurrency(), config.queueCapacity());
        app.command("/triage", new TriageSlashCommand(dispatcher,
                new AccessPolicy(config.allowedChannels(), config.allowedUsers()), config.maxHostsPerCommand(), clock));
    }

    /** Starts serving; returns once Slack can reach the bot. */
    public void start() throws Exception {
        if (config.socketMode()) {
            socketMode = new SocketModeApp(config.slackAppToken(), app, SocketModeClient.Backend.JavaWebSocket);
            socketMode.startAsync();
        } else {
            http = new Server();
            ServerConnector connector = new ServerConnector(http);
            connector.setPort(config.httpPort());
            http.addConnector(connector);
            ServletContextHandler handler = new ServletContextHandler();
            handler.addServlet(new ServletHolder(new SlackAppServlet(app)), EVENTS_PATH);
            http.setHandler(handler);
            app.start();
            http.start();
        }
        LOG.info("triagebot serving: {}", config.describe());
    }

    /** The HTTP port actually bound (useful with port 0), or -1 in Socket Mode. */
    public int httpPort() {
        return http == null ? -1 : ((ServerConnector) http.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        if (http != null) {
            http.stop();
        }
        if (socketMode != null) {
            socketMode.close();
        }
        dispatcher.shutdown(30);
        app.stop();
    }
}
