package io.triagebot.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * Serves the ops endpoints and prints what {@code /metrics} and {@code /readyz} answered, run from the shaded
 * jar by {@link OpsJarIT}: shading must keep the Prometheus client, Jetty and the log configuration working.
 */
public final class OpsSmoke {

    private OpsSmoke() {
    }

    public static void main(String[] args) throws Exception {
        BotMetrics metrics = new BotMetrics(() -> 2);
        metrics.triageFinished("reported", "MEDIUM", Duration.ofMillis(1500));
        metrics.sshFailure("AUTH_FAILED");
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> true)
                .part(Readiness.SLACK, () -> false)
                .build();
                OpsServer server = new OpsServer("127.0.0.1", 0, readiness, metrics).start()) {
            HttpClient client = HttpClient.newHttpClient();
            for (String path : new String[] {OpsEndpoints.METRICS, OpsEndpoints.READYZ}) {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println(path + " " + response.statusCode() + " "
                        + response.headers().firstValue("Content-Type").orElse("-"));
                System.out.print(response.body());
            }
        }
        LoggerFactory.getLogger(OpsSmoke.class).warn("smoke done");
    }
}
