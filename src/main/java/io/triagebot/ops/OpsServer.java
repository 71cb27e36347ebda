package io.triagebot.ops;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty server with only the {@link OpsEndpoints}. In Socket Mode the bot has no HTTP server of its own,
 * yet probes and Prometheus still need a port.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    /** Probes and scrapes are a few requests a minute; Jetty's default pool of 200 would be idle memory. */
    private static final int MAX_THREADS = 8;

    private final Server server;
    private final ServerConnector connector;

    /** Listens on every interface: probes come from the kubelet and scrapes from Prometheus, not localhost. */
    public OpsServer(int port, Readiness readiness, BotMetrics metrics) {
        this(null, port, readiness, metrics);
    }

    /**
     * @param host the address to bind, or null for every interface
     * @param port the port, or 0 for any free one (see {@link #port()})
     */
    public OpsServer(String host, int port, Readiness readiness, BotMetrics metrics) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("triagebot-ops");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        OpsEndpoints.mount(context, readiness, metrics);
        server.setHandler(context);
    }

    /** Binds and serves; throws if the port is taken. */
    public OpsServer start() throws Exception {
        server.start();
        LOG.info("ops endpoints on port {}: {} {} {}", port(), OpsEndpoints.HEALTHZ, OpsEndpoints.READYZ,
                OpsEndpoints.METRICS);
        return this;
    }

    /** The bound port (the real one when 0 was asked for), or -1 before {@link #start()}. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops serving. Does not close the {@link Readiness}: whoever built it owns it. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("ops server did not stop cleanly", e);
        }
    }
}
