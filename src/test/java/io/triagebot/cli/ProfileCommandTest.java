package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors of {@code triagebot profile}; live runs are in DeepDiveLiveIT. */
class ProfileCommandTest {

    @TempDir
    Path dir;

    @Test
    void badHostKindOrSecondsIsAUsageErrorAndWritesNothing() throws Exception {
        Path out = dir.resolve("out");
        CliRun host = CliRun.of("profile", "db-3;reboot", "--kind", "cpu", "--output", out.toString());
        assertEquals(ExitCodes.USAGE, host.exit());
        assertTrue(host.err().contains("is not a host name"), host.err());
        CliRun kind = CliRun.of("profile", "local", "--kind", "kprobe", "--output", out.toString());
        assertEquals(ExitCodes.USAGE, kind.exit());
        assertTrue(kind.err().contains("unknown deep probe 'kprobe': use one of biolat, cpu, offcpu"), kind.err());
        CliRun seconds = CliRun.of("profile", "local", "--kind", "cpu", "--seconds", "31", "--output", out.toString());
        assertEquals(ExitCodes.USAGE, seconds.exit());
        assertTrue(seconds.err().contains("cpu runs for 1 to 30 seconds, not 31"), seconds.err());
        CliRun notANumber = CliRun.of("profile", "local", "--kind", "cpu", "--seconds", "10;id", "--output",
                out.toString());
        assertEquals(ExitCodes.USAGE, notANumber.exit());
        CliRun noOutput = CliRun.of("profile", "local", "--kind", "cpu");
        assertEquals(ExitCodes.USAGE, noOutput.exit());
        assertTrue(noOutput.err().contains("--output"), noOutput.err());
        try (var files = Files.list(out)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void anUnusableCatalogIsAConfigurationError() throws Exception {
        Files.writeString(dir.resolve("cpu.yaml"), "id: cpu\ntool: perf\nkprobe: yes\n");
        CliRun r = CliRun.of("profile", "local", "--kind", "cpu", "--deep-probes", dir.toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(ExitCodes.CONFIG, r.exit());
        assertTrue(r.err().contains("cpu.yaml:3: unknown key 'kprobe'"), r.err());
    }

    @Test
    void helpListsTheKindsAndExitCodes() {
        CliRun help = CliRun.of("profile", "--help");
        assertEquals(0, help.exit());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("cpu, offcpu, runqlat, biolat, tcpretrans or pagefaults"), text);
        assertTrue(text.contains("5 the probe is unavailable on the host"), text);
    }
}
