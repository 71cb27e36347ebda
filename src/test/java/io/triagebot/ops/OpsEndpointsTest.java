package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsEndpointsTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private OpsServer server;
    private Readiness readiness;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
        if (readiness != null) {
            readiness.close();
        }
    }

    private OpsServer start(Readiness readiness, BotMetrics metrics) throws Exception {
        this.readiness = readiness;
        server = new OpsServer("127.0.0.1", 0, readiness, metrics).start();
        return server;
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Readiness allReady() {
        return Readiness.builder()
                .part(Readiness.DATABASE, () -> true)
                .part(Readiness.SCHEDULER, () -> true)
                .part(Readiness.SLACK, () -> true)
                .build();
    }

    @Test
    void healthzIsOkEvenWhenNothingIsReady() throws Exception {
        start(Readiness.builder().part(Readiness.DATABASE, () -> {
            throw new IllegalStateException("database down");
        }).build(), new BotMetrics(() -> 0));
        HttpResponse<String> response = call("GET", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
        assertEquals("text/plain;charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow()
                .replace(" ", "").toLowerCase());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(response.headers().firstValue("Server").isEmpty(), "no server version");
    }

    @Test
    void readyzIs200WhenEveryPartIsReady() throws Exception {
        start(allReady(), new BotMetrics(() -> 0));
        HttpResponse<String> response = call("GET", "/readyz");
        assertEquals(200, response.statusCode());
        assertEquals("ready\ndatabase: ok\nscheduler: ok\nslack: ok\n", response.body());
    }

    @Test
    void readyzIs503NamingTheFailingPart() throws Exception {
        AtomicBoolean schedulerUp = new AtomicBoolean(false);
        start(Readiness.builder()
                .part(Readiness.DATABASE, () -> true)
                .part(Readiness.SCHEDULER, schedulerUp::get)
                .part(Readiness.SLACK, () -> {
                    throw new IllegalStateException("socket mode disconnected");
                })
                .build(), new BotMetrics(() -> 0));
        HttpResponse<String> response = call("GET", "/readyz");
        assertEquals(503, response.statusCode());
        assertEquals("not ready\ndatabase: ok\nscheduler: not ready\n"
                + "slack: IllegalStateException: socket mode disconnected\n", response.body());
    }

    @Test
    void readyzAnswers503WithinTheTimeoutWhenAPartHangs() throws Exception {
        start(Readiness.builder()
                .part(Readiness.DATABASE, () -> {
                    release.await();
                    return true;
                })
                .part(Readiness.SCHEDULER, () -> true)
                .timeout(Duration.ofMillis(500))
                .build(), new BotMetrics(() -> 0));
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = call("GET", "/readyz");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, response.statusCode());
            assertTrue(tookMs < 2000, "took " + tookMs + " ms");
            assertTrue(response.body().matches("(?s)not ready\ndatabase: no answer for \\d+ ms\nscheduler: ok\n"),
                    response.body());
        }
    }

    @Test
    void metricsServesTheScrapeInTheTextFormat() throws Exception {
        BotMetrics metrics = new BotMetrics(() -> 4);
        metrics.triageFinished("reported", "CRITICAL", Duration.ofSeconds(3));
        start(allReady(), metrics);
        HttpResponse<String> response = call("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow().replace(" ", "").toLowerCase());
        assertEquals(1.0, BotMetricsTest.sample(response.body(),
                "triagebot_triages_total{outcome=\"reported\",severity=\"CRITICAL\"}"), response.body());
        assertEquals(4.0, BotMetricsTest.sample(response.body(), "triagebot_outbox_depth"));
        assertEquals(BotMetricsTest.own(metrics.scrape()), BotMetricsTest.own(response.body()));
        assertTrue(response.body().contains("jvm_threads_current"), "the JVM's metrics too");
    }

    @Test
    void headIsAnsweredWithoutABody() throws Exception {
        start(allReady(), new BotMetrics(() -> 0));
        for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
            HttpResponse<String> response = call("HEAD", path);
            assertEquals(200, response.statusCode(), path);
            assertEquals("", response.body(), path);
        }
    }

    @Test
    void otherMethodsAre405() throws Exception {
        start(allReady(), new BotMetrics(() -> 0));
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
                HttpResponse<String> response = call(method, path);
                assertEquals(405, response.statusCode(), method + " " + path);
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
            }
        }
    }

    @Test
    void unknownPathsAre404() throws Exception {
        start(allReady(), new BotMetrics(() -> 0));
        for (String path : new String[] {"/", "/health", "/metrics/x", "/slack/events"}) {
            assertEquals(404, call("GET", path).statusCode(), path);
        }
    }

    @Test
    void mountAddsTheEndpointsBesideTheBotsOwnServlets() throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler handler = new ServletContextHandler();
        handler.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                resp.getWriter().write("slack");
            }
        }), "/slack/events");
        readiness = allReady();
        OpsEndpoints.mount(handler, readiness, new BotMetrics(() -> 0));
        jetty.setHandler(handler);
        jetty.start();
        try {
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            HttpResponse<String> slack = client.send(HttpRequest.newBuilder(URI.create(base + "/slack/events"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("slack", slack.body());
        } finally {
            jetty.stop();
        }
    }

    @Test
    void portIsTheBoundOneAndClosingFreesIt() throws Exception {
        OpsServer ops = new OpsServer("127.0.0.1", 0, readiness = allReady(), new BotMetrics(() -> 0));
        assertEquals(-1, ops.port());
        ops.start();
        int port = ops.port();
        assertTrue(port > 0);
        ops.close();
        server = new OpsServer("127.0.0.1", port, readiness, new BotMetrics(() -> 0)).start();
        assertEquals(port, server.port());
        assertEquals(200, call("GET", "/healthz").statusCode());
    }
}
