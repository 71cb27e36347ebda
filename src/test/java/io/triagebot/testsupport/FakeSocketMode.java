package io.triagebot.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Slack's Socket Mode end on loopback: {@code apps.connections.open} (on the fake Web API) hands out its
 * ws:// URL, it greets each connection with {@code hello} as Slack does, sends envelopes to the bot and
 * records what the bot sends back (acknowledgements, with or without a payload).
 */
public final class FakeSocketMode implements AutoCloseable {

    private final Server server = new Server();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch connected = new CountDownLatch(1);
    private volatile WebSocket bot;

    public FakeSocketMode(FakeSlackApi slack) throws InterruptedException {
        server.setReuseAddr(true);
        server.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.getPort() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        slack.server.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).willReturn(okJson(
                "{\"ok\":true,\"url\":\"ws://127.0.0.1:" + server.getPort() + "/link\"}")));
    }

    public void awaitConnection(long seconds) throws InterruptedException {
        if (!connected.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the bot did not connect within " + seconds + " s");
        }
    }

    /** Sends one message to the bot, as Slack's server would. */
    public void send(String message) {
        bot.send(message);
    }

    /** Everything the bot sent, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(2000);
    }

    private final class Server extends WebSocketServer {
        Server() {
            super(new InetSocketAddress("127.0.0.1", 0));
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            bot = conn;
            conn.send("{\"type\":\"hello\",\"num_connections\":1,\"connection_info\":{\"app_id\":\"A0001\"}}");
            connected.countDown();
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            received.add(message);
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            // The bot reconnects on its own when it wants to.
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            // Seen by the test as messages that never arrive.
        }

        @Override
        public void onStart() {
            // The port is known from here on.
        }
    }
}
