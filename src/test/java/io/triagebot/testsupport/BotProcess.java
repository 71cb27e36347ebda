package io.triagebot.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/triagebot.jar serve} as its own process: one replica of the bot, in HTTP mode on
 * a free loopback port, its log in a file. For tests of what several replicas do together.
 */
public final class BotProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int opsPort;
    private final Path log;
    private final SignedSlackRequests requests;

    private BotProcess(Process process, int port, int opsPort, Path log, String secret) {
        this.process = process;
        this.port = port;
        this.opsPort = opsPort;
        this.log = log;
        this.requests = new SignedSlackRequests(URI.create("http://127.0.0.1:" + port + "/slack/events"), secret);
    }

    /**
     * @param env the bot's environment on top of a minimal one (Slack tokens, database, data directory...)
     */
    public static BotProcess start(Path projectDir, String name, Path sshConfig, Map<String, String> env, Path dir)
            throws IOException {
        int port = freePort();
        int opsPort = freePort();
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", projectDir.resolve("target/triagebot.jar").toString(), "serve", "--ssh-config",
                sshConfig.toString());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("HOSTNAME", name);
        pb.environment().put("TRIAGEBOT_HTTP_PORT", Integer.toString(port));
        pb.environment().put("TRIAGEBOT_OPS_PORT", Integer.toString(opsPort));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new BotProcess(pb.start(), port, opsPort, log, env.get("SLACK_SIGNING_SECRET"));
    }

    /** Waits until /readyz answers 200 (database, scheduler and Slack ready). */
    public void awaitReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("replica exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica not ready within " + limit.toSeconds() + " s:\n" + log());
    }

    /** GET on the bot: health, readiness and metrics on its ops port, anything else on Slack's port. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        boolean ops = path.startsWith("/healthz") || path.startsWith("/readyz") || path.startsWith("/metrics");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + (ops ? opsPort : port) + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The loopback port it serves on. */
    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public SignedSlackRequests requests() {
        return requests;
    }

    /** SIGTERM, as Kubernetes stops a pod; returns the exit status, or -1 if it did not stop in time. */
    public int stop(Duration limit) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    /** SIGKILL, as an OOM kill or a node failure ends a pod: no shutdown hook, nothing recorded. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("replica did not die of SIGKILL");
        }
    }

    public String log() {
        try {
            return java.nio.file.Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Lines of the log that match, for assertions about what a replica did. */
    public List<String> logLines(String containing) {
        return log().lines().filter(l -> l.contains(containing)).toList();
    }
}
