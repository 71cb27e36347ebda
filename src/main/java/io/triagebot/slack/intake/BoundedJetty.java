package io.triagebot.slack.intake;

import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server Slack calls, with every resource bounded: threads and the queue of work waiting for
 * one, header size, how long a connection may sit idle, and how slowly a body may trickle in (a client
 * sending a byte a second cannot hold a thread for long).
 */
public final class BoundedJetty {

    static final int MAX_THREADS = 32;
    static final int MIN_THREADS = 4;
    static final int QUEUE = 256;
    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Slack sends its few KiB at once; anything slower than this is not Slack. */
    static final long MIN_BYTES_PER_SECOND = 1024;

    private BoundedJetty() {
    }

    /** A server with one HTTP connector on {@code port} (0: any free port), not started. */
    public static Server create(int port) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, (int) Duration.ofMinutes(1).toMillis(),
                new BlockingArrayQueue<>(QUEUE));
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setResponseHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        http.setMinRequestDataRate(MIN_BYTES_PER_SECOND);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        return server;
    }
}
