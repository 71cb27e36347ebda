package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.testsupport.TestSshd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.triagebot.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a real OpenSSH server on 127.0.0.1: the path a production triage takes, and its
 * logs (the SSH library's lines reach the bot's log format and level, and carry the triage's host).
 */
class TriageOverSshIT {

    static TestSshd sshd;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSshd() throws Exception {
        TestSshd.assumeAvailable();
        sshd = TestSshd.start();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void triageOfAnAliasPrintsTheHostsVitals() throws Exception {
        Path config = sshd.writeClientConfig(dir.resolve("config"), "db-test");
        CliRun run = CliRun.of("triage", "db-test", "--ssh-config", config.toString(), "--window", "0.5");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        assertTrue(run.out().startsWith("LOW  db-test: ") || run.out().matches("(?s)(MEDIUM|HIGH|CRITICAL)  db-test: .*"),
                run.out());
        assertTrue(run.out().contains("VITALS"), run.out());
    }

    @Test
    void jsonOverSshMatchesTheLocalSchema() throws Exception {
        Path config = sshd.writeClientConfig(dir.resolve("config-json"), "db-json");
        CliRun run = CliRun.of("triage", "db-json", "--json", "--ssh-config", config.toString(), "--window", "0.5");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("db-json", report.get("host").asText());
        assertTrue(report.get("vitals").get("cpus").asInt() > 0, run.out());
        assertTrue(report.get("windowSeconds").asDouble() > 0.4, run.out());
    }

    /** A client config for {@code alias} whose known_hosts holds another key for the server: a changed key. */
    private static Path changedHostKeyConfig(String alias) throws Exception {
        Path knownHosts = dir.resolve("wrong_known_hosts-" + alias);
        Path otherKey = TestSshd.generateKey(dir.resolve("other_host_key-" + alias));
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " "
                + TestSshd.publicKeyWithoutComment(Path.of(otherKey + ".pub")) + "\n");
        return sshd.writeClientConfig(dir.resolve("config-" + alias), alias, "UserKnownHostsFile " + knownHosts);
    }

    @Test
    void changedHostKeyIsRefusedLoudlyWithExitThree() throws Exception {
        Path config = changedHostKeyConfig("db-mitm");
        CliRun run = CliRun.of("triage", "db-mitm", "--ssh-config", config.toString());
        assertEquals(ExitCodes.UNREACHABLE, run.exit(), run.err());
        assertTrue(run.err().contains("HOST KEY HAS CHANGED"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void oneUnreachableHostDoesNotSinkTheOthers() throws Exception {
        Path config = sshd.writeClientConfig(dir.resolve("config-mixed"), "good");
        Files.writeString(config, Files.readString(config) + "\nHost closed\n  HostName 127.0.0.1\n  Port 1\n"
                + "  ConnectTimeout 2\n");
        CliRun run = CliRun.of("triage", "good", "closed", "--json", "--ssh-config", config.toString(), "--window", "0.3");
        assertEquals(ExitCodes.UNREACHABLE, run.exit(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        ObjectMapper json = new ObjectMapper();
        assertEquals("good", json.readTree(lines[0]).get("host").asText());
        assertTrue(json.readTree(lines[0]).has("severity"));
        assertEquals("CONNECTION_REFUSED", json.readTree(lines[1]).get("error").get("kind").asText(), lines[1]);
        assertEquals(1, run.err().lines().count(), run.err());
    }

    record Run(int exit, String out, List<String> err) {
    }

    @Test
    void atDebugTheSshLibrarySpeaksInJsonWithTheTriagesHost() throws Exception {
        Path config = sshd.writeClientConfig(dir.resolve("config-debug"), "db-debug");
        Run run = inOwnJvm(Map.of("TRIAGEBOT_LOG_LEVEL", "DEBUG", "TRIAGEBOT_LOG_FORMAT", "json"),
                "triage", "db-debug", "--ssh-config", config.toString(), "--window", "0.3", "--json");
        assertEquals(ExitCodes.OK, run.exit(), String.join("\n", run.err()));
        assertEquals("db-debug", new ObjectMapper().readTree(run.out()).path("host").asText(), run.out());

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> jsch = new ArrayList<>();
        JsonNode outcome = null;
        for (String line : run.err()) {
            JsonNode event = json.readTree(line); // every line is JSON, the library's too
            if (event.path("logger_name").asText().startsWith("com.jcraft.jsch")) {
                jsch.add(event);
            }
            if (event.path("message").asText().startsWith("triage reported ")) {
                outcome = event;
            }
        }
        assertFalse(jsch.isEmpty(), "no line from JSch at DEBUG:\n" + String.join("\n", run.err()));
        // The connection is made on the triage's thread, so its lines carry the host it is for.
        assertTrue(jsch.stream().anyMatch(e -> e.path("message").asText().startsWith("Connecting to 127.0.0.1")
                && "db-debug".equals(e.path("host").asText())), jsch.toString());
        assertTrue(outcome != null && "db-debug".equals(outcome.path("host").asText())
                && "io.triagebot.triage.TriageService".equals(outcome.path("logger_name").asText()),
                String.join("\n", run.err()));
    }

    @Test
    void atTheDefaultLevelAFailedHostIsStillOneLineWithNothingFromTheLibrary() throws Exception {
        Path config = changedHostKeyConfig("db-changed");
        Run run = inOwnJvm(Map.of(), "triage", "db-changed", "--ssh-config", config.toString());
        assertEquals(ExitCodes.UNREACHABLE, run.exit(), String.join("\n", run.err()));
        assertEquals(1, run.err().size(), String.join("\n", run.err()));
        assertTrue(run.err().get(0).startsWith("triagebot: ") && run.err().get(0).contains("HOST KEY HAS CHANGED"),
                run.err().get(0));
    }

    /** The command line in a JVM of its own (logback reads the environment once per process), with the given
     * log settings on top of none. */
    private static Run inOwnJvm(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("TRIAGEBOT_LOG_LEVEL");
        builder.environment().remove("TRIAGEBOT_LOG_FORMAT");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("triagebot " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }
}
