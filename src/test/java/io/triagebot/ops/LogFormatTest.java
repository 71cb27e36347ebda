package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real logback.xml, in a JVM of its own per format, with the test class path. */
class LogFormatTest {

    /** The text pattern: ISO UTC time, level, thread, logger, the LogContext fields when set, message. */
    static final String TEXT_LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO |WARN ) \\[\\w+\\] \\S+( \\[[^]]+\\])? - .*";

    @TempDir
    Path dir;

    record Run(int exit, String out, List<String> err) {
    }

    @Test
    void jsonWritesOneObjectPerLineOnStderr() throws Exception {
        assertJson(run(System.getProperty("java.class.path"), "json"));
    }

    @Test
    void textIsTheDefaultPattern() throws Exception {
        assertText(run(System.getProperty("java.class.path"), null));
        assertText(run(System.getProperty("java.class.path"), "text"));
    }

    @Test
    void caseAndBlanksDoNotMatter() throws Exception {
        assertJson(run(System.getProperty("java.class.path"), " JSON "));
    }

    @Test
    void anEmptyFormatLogsAsText() throws Exception {
        assertText(run(System.getProperty("java.class.path"), ""));
    }

    /** Values logback itself cannot substitute ("{", self-references) must not cost the logs either. */
    @Test
    void anUnknownFormatLogsAsTextAndSaysSo() throws Exception {
        for (String format : new String[] {"bogus", "{", "${TRIAGEBOT_LOG_FORMAT}", "json}"}) {
            Run run = run(System.getProperty("java.class.path"), format);
            assertEquals("TRIAGEBOT_LOG_FORMAT=" + format + " is neither text nor json: logging as text",
                    run.err().get(0));
            assertText(new Run(run.exit(), run.out(), run.err().subList(1, run.err().size())));
        }
    }

    @Test
    void onlyJsonSelectsJson() {
        assertEquals("json", LogFormat.choose("json"));
        assertEquals("json", LogFormat.choose(" Json\n"));
        assertEquals("text", LogFormat.choose(null));
        assertEquals("text", LogFormat.choose(""));
        assertEquals("text", LogFormat.choose("text"));
        assertEquals("text", LogFormat.choose("jsonl"));
        assertEquals("json", new LogFormat(name -> "JSON").getPropertyValue());
        assertEquals("text", new LogFormat(name -> null).getPropertyValue());
    }

    static void assertJson(Run run) throws IOException {
        assertEquals(0, run.exit(), String.join("\n", run.err()));
        assertEquals(LogLines.REPORT + "\n", run.out(), "stdout carries the report and nothing else");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.err()) {
            lines.add(json.readTree(line)); // throws if any line is not one JSON object
        }
        assertEquals(3, lines.size(), String.join("\n", run.err()));
        JsonNode info = lines.get(0);
        assertEquals("INFO", info.path("level").asText());
        assertEquals("io.triagebot.slack.SlackBot", info.path("logger_name").asText());
        assertEquals("triage of db-3 finished: quote \" and\nnewline", info.path("message").asText(),
                "the message is the rendered line, not the template");
        assertEquals("main", info.path("thread_name").asText());
        assertTrue(info.path("@timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                info.toString());
        Instant at = Instant.parse(info.path("@timestamp").asText());
        assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 5, info.toString());
        assertEquals("INC-42", info.path("incident").asText(), info.toString());
        assertEquals("db-3", info.path("host").asText(), info.toString());
        assertEquals("U0AAAA111?forged=line", info.path("slack_user").asText(), "control characters cannot split a line");
        assertFalse(info.has("action"), "not set yet: " + info);
        assertFalse(info.has("stack_trace"), info.toString());

        JsonNode warn = lines.get(1);
        assertEquals("WARN", warn.path("level").asText());
        assertEquals("delivery failed", warn.path("message").asText());
        assertTrue(warn.path("stack_trace").asText().startsWith("java.lang.IllegalStateException: slack said 503"),
                warn.toString());
        assertTrue(warn.path("stack_trace").asText().contains("at io.triagebot.ops.LogLines"), warn.toString());
        // Logged on the pool's thread: the fields came along with the task.
        assertEquals("worker", warn.path("thread_name").asText());
        assertEquals("INC-42", warn.path("incident").asText(), warn.toString());
        assertEquals("db-3", warn.path("host").asText(), warn.toString());
        assertEquals("17 vm-swappiness", warn.path("action").asText(), warn.toString());

        JsonNode third = lines.get(2);
        assertEquals("org.eclipse.jetty.server.Server", third.path("logger_name").asText());
        assertEquals("WARN", third.path("level").asText());
        for (String field : List.of("incident", "host", "action", "slack_user")) {
            assertFalse(third.has(field), "scopes closed, fields gone: " + third);
        }
    }

    static void assertText(Run run) {
        assertEquals(0, run.exit(), String.join("\n", run.err()));
        assertEquals(LogLines.REPORT + "\n", run.out(), "stdout carries the report and nothing else");
        List<String> err = run.err();
        String all = String.join("\n", err);
        assertTrue(err.get(0).matches(TEXT_LINE), all);
        assertTrue(err.get(0).contains(" [main] io.triagebot.slack.SlackBot ["), all);
        for (String field : List.of("incident=INC-42", "host=db-3", "slack_user=U0AAAA111?forged=line")) {
            assertTrue(err.get(0).contains(field), field + " in " + all);
        }
        assertTrue(err.get(0).endsWith("] - triage of db-3 finished: quote \" and"), all);
        assertEquals("newline", err.get(1), all);
        assertTrue(err.get(2).matches(TEXT_LINE) && err.get(2).endsWith(" - delivery failed"), all);
        assertTrue(err.get(2).contains(" [worker] ") && err.get(2).contains("action=17 vm-swappiness"), all);
        assertEquals("java.lang.IllegalStateException: slack said 503", err.get(3), all);
        assertTrue(all.contains("WARN  [main] org.eclipse.jetty.server.Server - third-party warning"),
                "no field brackets once the scopes are closed: " + all);
        assertFalse(all.contains("not shown") || all.contains("stays below"), all);
        assertFalse(all.startsWith("{"), all);
    }

    /** Runs {@link LogLines} with {@code TRIAGEBOT_LOG_FORMAT} set to {@code format}, or unset when null. */
    Run run(String classPath, String format) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, LogLines.class.getName())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("TRIAGEBOT_LOG_LEVEL");
        if (format == null) {
            builder.environment().remove("TRIAGEBOT_LOG_FORMAT");
        } else {
            builder.environment().put("TRIAGEBOT_LOG_FORMAT", format);
        }
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("LogLines did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }
}
