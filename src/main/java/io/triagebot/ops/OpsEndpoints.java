package io.triagebot.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.stream.Collectors;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints, as servlets for the bot's Jetty context:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process serves HTTP. Liveness only: it checks nothing
 *       else, so a database outage never gets the bot restarted (a restart would not fix the database).</li>
 *   <li>{@code GET /readyz}: 200 when every {@link Readiness} part answers ready in time, else 503; the body
 *       lists each part and its state.</li>
 *   <li>{@code GET /metrics}: the {@link BotMetrics} scrape, Prometheus text format 0.0.4.</li>
 * </ul>
 * HEAD is answered like GET without a body; any other method gets 405.
 */
public final class OpsEndpoints {

    public static final String HEALTHZ = "/healthz";
    public static final String READYZ = "/readyz";
    public static final String METRICS = "/metrics";

    private static final String TEXT = "text/plain; charset=utf-8";

    private OpsEndpoints() {
    }

    /**
     * Adds the three endpoints to {@code handler} (whose context path is normally {@code /}). Call before the
     * server starts. The caller keeps ownership of {@code readiness} and closes it at shutdown.
     */
    public static void mount(ServletContextHandler handler, Readiness readiness, BotMetrics metrics) {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(metrics, "metrics");
        handler.addServlet(new ServletHolder("healthz", new Healthz()), HEALTHZ);
        handler.addServlet(new ServletHolder("readyz", new Readyz(readiness)), READYZ);
        handler.addServlet(new ServletHolder("metrics", new Metrics(metrics)), METRICS);
    }

    /** GET and HEAD only: the endpoints read state, and a 405 tells a misconfigured client so. */
    private abstract static class ReadOnly extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            String method = request.getMethod();
            response.setHeader("Cache-Control", "no-store");
            if ("GET".equals(method) || "HEAD".equals(method)) {
                super.service(request, response); // HEAD: HttpServlet runs doGet and drops the body
                return;
            }
            response.setHeader("Allow", "GET, HEAD");
            write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, TEXT, "method not allowed\n");
        }
    }

    private static final class Healthz extends ReadOnly {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, HttpServletResponse.SC_OK, TEXT, "ok\n");
        }
    }

    private static final class Readyz extends ReadOnly {
        private static final Logger LOG = LoggerFactory.getLogger(OpsEndpoints.class);

        private final transient Readiness readiness;
        /** Logged on change only: orchestrators probe every few seconds. */
        private Boolean lastReady; // guarded by this

        Readyz(Readiness readiness) {
            this.readiness = readiness;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Readiness.Status status = readiness.check();
            logChange(status);
            write(response, status.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    TEXT, status.toText());
        }

        private synchronized void logChange(Readiness.Status status) {
            boolean ready = status.ready();
            if (lastReady != null && lastReady == ready) {
                return;
            }
            lastReady = ready;
            if (ready) {
                LOG.info("ready");
            } else {
                LOG.warn("not ready: {}", status.failing().stream()
                        .map(p -> p.name() + " (" + p.detail() + ")").collect(Collectors.joining(", ")));
            }
        }
    }

    private static final class Metrics extends ReadOnly {
        private final transient BotMetrics metrics;

        Metrics(BotMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // Buffered: a scrape that fails half-way is a 500, never a truncated 200 Prometheus would half-read.
            ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
            metrics.writeTo(body);
            write(response, HttpServletResponse.SC_OK, BotMetrics.CONTENT_TYPE, body.toByteArray());
        }
    }

    private static void write(HttpServletResponse response, int status, String contentType, String body)
            throws IOException {
        write(response, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(HttpServletResponse response, int status, String contentType, byte[] body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
