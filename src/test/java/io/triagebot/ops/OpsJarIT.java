package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops package from the shaded jar (failsafe runs after package). */
class OpsJarIT {

    private static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));

    @TempDir
    Path dir;

    /** The jar first, so its logback.xml and its copies of the libraries are the ones used. */
    private static String jarClassPath() {
        Path jar = PROJECT.resolve("target/triagebot.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn package first");
        return jar + java.io.File.pathSeparator + PROJECT.resolve("target/test-classes");
    }

    @Test
    void metricsAndEndpointsWorkFromTheShadedJarWithJsonLogs() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jarClassPath(), OpsSmoke.class.getName())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("TRIAGEBOT_LOG_FORMAT", "json");
        builder.environment().remove("TRIAGEBOT_LOG_LEVEL");
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "OpsSmoke did not finish");
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), stdout + String.join("\n", stderr));

        assertTrue(stdout.startsWith("/metrics 200 text/plain; version=0.0.4; charset=utf-8\n"), stdout);
        assertEquals(1.0, BotMetricsTest.sample(stdout,
                "triagebot_triages_total{outcome=\"reported\",severity=\"MEDIUM\"}"), stdout);
        assertEquals(1.0, BotMetricsTest.sample(stdout, "triagebot_ssh_failures_total{kind=\"AUTH_FAILED\"}"));
        assertEquals(1.0, BotMetricsTest.sample(stdout, "triagebot_triage_duration_seconds_bucket{le=\"2.0\"}"));
        assertEquals(2.0, BotMetricsTest.sample(stdout, "triagebot_outbox_depth"));
        // Jetty drops the blank after the semicolon of a plain content type.
        assertTrue(stdout.contains("/readyz 503 text/plain;charset=utf-8\nnot ready\ndatabase: ok\nslack: not ready\n"),
                stdout);

        ObjectMapper json = new ObjectMapper();
        boolean done = false;
        for (String line : stderr) {
            JsonNode event = json.readTree(line);
            assertTrue(event.hasNonNull("level") && event.hasNonNull("logger_name") && event.has("message"), line);
            done |= "smoke done".equals(event.path("message").asText());
        }
        assertTrue(done, String.join("\n", stderr));
    }

    @Test
    void textLogsFromTheShadedJar() throws Exception {
        LogFormatTest logs = new LogFormatTest();
        logs.dir = dir;
        LogFormatTest.assertText(logs.run(jarClassPath(), null));
        LogFormatTest.assertJson(logs.run(jarClassPath(), "json"));
    }
}
