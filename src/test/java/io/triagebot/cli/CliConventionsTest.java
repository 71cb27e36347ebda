package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.analysis.Severity;
import io.triagebot.ops.BuildInfo;
import io.triagebot.testsupport.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What scripts expect of a command line: exit codes to gate on, -F, plain output off a terminal, --version. */
class CliConventionsTest {

    @TempDir
    Path dir;

    /** An SSH config whose one host refuses connections at once (nothing listens on port 1). */
    private Path refusingConfig() throws Exception {
        return Files.writeString(dir.resolve("ssh_config"),
                "Host refusing\n  HostName 127.0.0.1\n  Port 1\n  ConnectTimeout 2\n");
    }

    @Test
    void failOnExitsWithFiveExactlyWhenASeverityReachesIt() throws Exception {
        for (Severity threshold : List.of(Severity.HIGH, Severity.MEDIUM)) {
            CliRun run = CliRun.of("triage", "local", "--json", "--window", "0.3", "--fail-on", threshold.name());
            Severity found = Severity.valueOf(new ObjectMapper().readTree(run.out()).path("severity").asText());
            assertEquals(found.atLeast(threshold) ? ExitCodes.SEVERITY : ExitCodes.OK, run.exit(),
                    found + " against --fail-on " + threshold + ": " + run.err());
        }
        // Every report is LOW or worse: the report is still printed, and the exit says the gate closed.
        CliRun low = CliRun.of("triage", "local", "--window", "0.3", "--fail-on", "low");
        assertEquals(ExitCodes.SEVERITY, low.exit(), low.err());
        assertTrue(low.out().contains("VITALS"), low.out());
        assertEquals("", low.err(), "reaching the gate is not an error message");
        CliRun without = CliRun.of("triage", "local", "--window", "0.3");
        assertEquals(ExitCodes.OK, without.exit(), "without --fail-on the severity never sets the exit code");
    }

    @Test
    void theHighestExitCodeWinsWhenAHostIsAlsoUnreachable() throws Exception {
        CliRun run = CliRun.of("triage", "local", "refusing", "-F", refusingConfig().toString(), "--window", "0.3",
                "--fail-on", "LOW");
        assertEquals(ExitCodes.SEVERITY, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), "the unreachable host still has its line: " + run.err());
        assertTrue(run.err().contains("refusing"), run.err());
    }

    @Test
    void anUnknownSeverityIsAUsageErrorListingTheValidOnes() {
        CliRun run = CliRun.of("triage", "local", "--fail-on", "SEVERE");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("LOW, MEDIUM, HIGH, CRITICAL"), run.err());
    }

    @Test
    void dashFIsTheSshConfigAsInSsh() throws Exception {
        Path config = refusingConfig();
        // Only the given file knows the alias: found through -F, it is tried and refused (3)...
        CliRun viaF = CliRun.of("triage", "refusing", "-F", config.toString());
        assertEquals(ExitCodes.UNREACHABLE, viaF.exit(), viaF.err());
        CliRun viaLong = CliRun.of("triage", "refusing", "--ssh-config", config.toString());
        assertEquals(viaLong.exit(), viaF.exit());
        assertEquals(viaLong.err(), viaF.err());
        // ...and -F reaches serve's options too.
        assertTrue(CliRun.of("serve", "--help").out().contains("-F, --ssh-config=PATH"));
    }

    @Test
    void versionNamesTheBuildAndItsCommit() {
        CliRun run = CliRun.of("--version");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        String first = run.out().lines().findFirst().orElse("");
        assertEquals("triagebot " + BuildInfo.current().describe(), first);
        assertFalse(first.contains("dev"), first);
        assertTrue(run.out().contains("Java " + System.getProperty("java.version")), run.out());
        assertEquals(run.out(), CliRun.of("triage", "--version").out(), "every command answers --version alike");
    }

    @Test
    void colourIsForTerminalsOnlyAndNeverWithNoColor() {
        assertTrue(Colour.choose(Map.of(), true).enabled());
        assertTrue(Colour.choose(Map.of("NO_COLOR", ""), true).enabled(), "an empty NO_COLOR does not count");
        assertFalse(Colour.choose(Map.of("NO_COLOR", "1"), true).enabled());
        assertFalse(Colour.choose(Map.of("TERM", "dumb"), true).enabled());
        assertFalse(Colour.choose(Map.of(), false).enabled(), "a pipe or a file gets plain text");
        // Under the test runner standard output is no terminal: reports come out plain.
        CliRun run = CliRun.of("triage", "local", "--window", "0.3");
        assertFalse(run.out().contains("\u001b"), run.out());
    }
}
