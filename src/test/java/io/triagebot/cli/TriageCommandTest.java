package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.probe.CollectorRunFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.triagebot.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageCommandTest {

    @TempDir
    Path dir;

    @Test
    void localTriagePrintsSeverityFirstThenVitals() {
        CliRun run = CliRun.of("triage", "local", "--window", "0.3");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        String first = run.out().lines().findFirst().orElse("");
        assertTrue(first.matches("(LOW|MEDIUM|HIGH|CRITICAL)  local: .+"), first);
        assertTrue(run.out().contains("VITALS"));
        assertTrue(run.out().contains("load "));
        assertTrue(run.out().contains("pressure "));
    }

    @Test
    void jsonFollowsTheDocumentedSchema() throws Exception {
        CliRun run = CliRun.of("triage", "local", "--json", "--window", "0.3");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        for (String field : List.of("host", "severity", "headline", "vitals", "findings", "escalations", "unavailable")) {
            assertTrue(report.has(field), "missing " + field + " in " + run.out());
        }
        assertEquals("local", report.get("host").asText());
        assertTrue(List.of("LOW", "MEDIUM", "HIGH", "CRITICAL").contains(report.get("severity").asText()));
        assertTrue(report.get("vitals").get("cpus").asInt() > 0);
        assertTrue(report.get("vitals").get("memTotalKb").asLong() > 0);
        assertTrue(report.get("findings").isArray());
        for (JsonNode u : report.get("unavailable")) {
            assertTrue(u.has("probe") && u.has("reason"));
        }
    }

    @Test
    void badHostNameIsAUsageErrorNamingTheProblem() {
        for (String bad : List.of("db-3; rm -rf /", "$(reboot)", "-oProxyCommand=x", "user@db-3", "", "a..b")) {
            CliRun run = CliRun.of("triage", bad);
            assertEquals(ExitCodes.USAGE, run.exit(), bad + ": " + run.err());
            assertEquals(1, run.err().lines().filter(l -> l.startsWith("triagebot:")).count(), run.err());
        }
    }

    @Test
    void badWindowIsAUsageError() {
        assertEquals(ExitCodes.USAGE, CliRun.of("triage", "local", "--window", "0").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("triage", "local", "--window", "120").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("triage", "local", "--window", "abc").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("triage").exit(), "a host is required");
    }

    @Test
    void unknownHostIsAUsageErrorWithOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("config"), "Host known\n  HostName 127.0.0.1\n");
        CliRun run = CliRun.of("triage", "no-such-host.invalid", "--ssh-config", config.toString());
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("no-such-host.invalid"), run.err());
    }

    @Test
    void brokenSshConfigIsAConfigErrorNamingTheLine() throws Exception {
        Path config = Files.writeString(dir.resolve("config"), "Host db\n  Port notanumber\n");
        CliRun run = CliRun.of("triage", "db", "--ssh-config", config.toString());
        assertEquals(ExitCodes.CONFIG, run.exit(), run.err());
        assertTrue(run.err().contains(":2:"), run.err());
    }

    @Test
    void brokenCatalogIsAConfigError() throws Exception {
        Path catalog = Files.createDirectories(dir.resolve("commands"));
        Files.writeString(catalog.resolve("cpu.yaml"), "subsystem: cpu\nprobes:\n  - id: x\n    kind: gauge\n");
        CliRun run = CliRun.of("triage", "local", "--commands", catalog.toString());
        assertEquals(ExitCodes.CONFIG, run.exit(), run.err());
        assertTrue(run.err().contains("cpu.yaml:3"), run.err());
    }

    @Test
    void brokenThresholdOverrideIsAConfigError() throws Exception {
        Path t = Files.writeString(dir.resolve("t.yaml"), "no-such-pattern:\n  x: 1\n");
        CliRun run = CliRun.of("triage", "local", "--thresholds", t.toString());
        assertEquals(ExitCodes.CONFIG, run.exit(), run.err());
        assertTrue(run.err().contains("t.yaml:1"), run.err());
    }

    @Test
    void saveRawWritesAReplayableRun() throws Exception {
        CliRun run = CliRun.of("triage", "local", "--window", "0.3", "--save-raw", dir.toString(),
                "--provenance", "condition=idle");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        CollectorRunFile.Loaded loaded = CollectorRunFile.read(dir.resolve("local.run"));
        assertEquals("idle", loaded.header().get("condition"));
        assertFalse(loaded.run().nonce().isEmpty());
        assertTrue(loaded.run().output().stdout().length > 1000);
    }

    @Test
    void everySubcommandHasHelp() {
        CliRun top = CliRun.of("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("triage"));
        CliRun triage = CliRun.of("triage", "--help");
        assertEquals(0, triage.exit());
        assertTrue(triage.out().contains("--ssh-config") && triage.out().contains("Exit codes"), triage.out());
    }
}
