package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.triagebot.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real OpenSSH server on 127.0.0.1: the path a production triage takes. */
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

    @Test
    void changedHostKeyIsRefusedLoudlyWithExitThree() throws Exception {
        Path knownHosts = dir.resolve("wrong_known_hosts");
        Path otherKey = TestSshd.generateKey(dir.resolve("other_host_key"));
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " "
                + TestSshd.publicKeyWithoutComment(Path.of(otherKey + ".pub")) + "\n");
        Path config = sshd.writeClientConfig(dir.resolve("config-mitm"), "db-mitm",
                "UserKnownHostsFile " + knownHosts);
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
}
