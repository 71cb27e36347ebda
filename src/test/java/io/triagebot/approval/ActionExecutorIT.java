package io.triagebot.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.RunbookCatalogLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Executes a real runbook on this machine through the same runner a triage uses, then rolls it back.
 * Root only (CI runs as root); the original value is always restored.
 */
class ActionExecutorIT {

    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");

    @Test
    void changesSwappinessRecordsTheOldValueAndRollsBack() throws Exception {
        io.triagebot.testsupport.LiveTests.requireOrSkip(io.triagebot.testsupport.LiveTests.isRoot(),
                "needs root to change vm.swappiness");
        String original = sysctl();
        String target = original.equals("13") ? "14" : "13";
        RunbookCatalog catalog = RunbookCatalogLoader.loadBuiltIn();
        var action = catalog.resolve("vm-swappiness", Map.of("value", target));
        ActionExecutor executor = new ActionExecutor(Duration.ofSeconds(10));
        try {
            ActionExecutor.Execution done = executor.execute(new LocalScriptRunner(), action);
            assertTrue(done.succeeded(), done.output());
            assertEquals(original, done.previous().strip(), "the old value is captured before the change");
            assertTrue(done.applied(), "the second capture sees the new value");
            assertEquals(target, sysctl());
            assertTrue(done.command().contains("vm.swappiness=" + target), done.command());

            ActionExecutor.Execution back = executor.rollback(new LocalScriptRunner(), action, done.previous());
            assertTrue(back.succeeded(), back.output());
            assertTrue(back.applied(), "the rollback is verified by reading the value back");
            assertEquals(original, sysctl());
        } finally {
            Files.writeString(SWAPPINESS, original + "\n");
        }
    }

    /**
     * Reads the sysctl in one read from offset 0. Files.readString would not do: the JDK reads one byte
     * before growing its buffer, and sysctl handlers answer any read at a non-zero offset with EOF, so it
     * returns "6" for 60.
     */
    private static String sysctl() throws java.io.IOException {
        try (var in = Files.newInputStream(SWAPPINESS)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        }
    }

    @Test
    void aFailedPreconditionChangesNothing() throws Exception {
        RunbookCatalog catalog = RunbookCatalogLoader.loadBuiltIn();
        // A block device that does not exist: the precondition (its queue file is writable) fails.
        var action = catalog.resolve("read-ahead", Map.of("device", "nosuchdisk9", "kb", "128"));
        ActionExecutor.Execution done = new ActionExecutor(Duration.ofSeconds(10)).execute(new LocalScriptRunner(), action);
        assertFalse(done.preconditionMet());
        assertEquals(-1, done.exitCode());
        assertTrue(done.output().contains("precondition failed"), done.output());
    }
}
